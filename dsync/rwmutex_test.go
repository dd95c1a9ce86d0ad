package dsync_test

import (
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/concurkit/concur/dsync"
)

var policies = []dsync.Policy{dsync.WriterPreferring, dsync.ReaderPreferring, dsync.Fair}

// TestRWMutexExclusion: under each policy, a writer is alone and readers
// share; readers and writers mixed at random from many clients.
func TestRWMutexExclusion(t *testing.T) {
	for _, p := range policies {
		t.Run(p.String(), func(t *testing.T) {
			ctx := testCtx(t)
			name := uniqueName(t)
			var readers, writers atomic.Int32
			var wg sync.WaitGroup
			for i := range 6 {
				rw := dsync.NewRWMutex(newSession(t), name, p)
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := rand.New(rand.NewPCG(uint64(i), 2))
					for range 8 {
						if r.IntN(3) == 0 {
							if _, err := rw.Lock(ctx); err != nil {
								t.Error(err)
								return
							}
							if w := writers.Add(1); w != 1 || readers.Load() != 0 {
								t.Errorf("writer with %d writers, %d readers", w, readers.Load())
							}
							writers.Add(-1)
							if err := rw.Unlock(ctx); err != nil {
								t.Error(err)
								return
							}
						} else {
							if _, err := rw.RLock(ctx); err != nil {
								t.Error(err)
								return
							}
							readers.Add(1)
							if writers.Load() != 0 {
								t.Error("reader with a writer")
							}
							readers.Add(-1)
							if err := rw.RUnlock(ctx); err != nil {
								t.Error(err)
								return
							}
						}
					}
				}()
			}
			wg.Wait()
			if n := keysUnder(t, shared.NewClient(t), "rwmutex", name); n != 0 {
				t.Fatalf("%d keys left", n)
			}
		})
	}
}

// TestRWMutexPolicies: a reader holds, a writer waits; may a new reader
// enter? Only under ReaderPreferring. Then, under WriterPreferring, the
// readers that waited through the writer's hold go before the next writer.
func TestRWMutexPolicies(t *testing.T) {
	for _, p := range policies {
		t.Run(p.String(), func(t *testing.T) {
			ctx := testCtx(t)
			name := uniqueName(t)
			r1 := dsync.NewRWMutex(newSession(t), name, p)
			w := dsync.NewRWMutex(newSession(t), name, p)
			r2 := dsync.NewRWMutex(newSession(t), name, p)
			if _, err := r1.RLock(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := r2.TryRLock(ctx); err != nil {
				t.Fatalf("readers do not share: %v", err)
			}
			r2.RUnlock(ctx)
			if _, err := w.TryLock(ctx); !errors.Is(err, dsync.ErrWouldBlock) {
				t.Fatalf("TryLock beside a reader: %v", err)
			}
			wdone := make(chan error, 1)
			go func() { _, err := w.Lock(ctx); wdone <- err }()
			waitKeys(t, "rwmutex", name, 2, wdone)
			_, err := r2.TryRLock(ctx)
			if want := p == dsync.ReaderPreferring; (err == nil) != want {
				t.Fatalf("new reader beside a waiting writer: %v", err)
			}
			if err == nil {
				r2.RUnlock(ctx)
			}
			r1.RUnlock(ctx)
			if err := <-wdone; err != nil {
				t.Fatal(err)
			}
			// The writer holds. A reader and then a writer queue up.
			rdone := make(chan error, 1)
			go func() { _, err := r2.RLock(ctx); rdone <- err }()
			waitKeys(t, "rwmutex", name, 2)
			w2 := dsync.NewRWMutex(newSession(t), name, p)
			w2done := make(chan error, 1)
			go func() { _, err := w2.Lock(ctx); w2done <- err }()
			waitKeys(t, "rwmutex", name, 3)
			w.Unlock(ctx)
			// Under every policy the reader that waited goes first.
			if err := <-rdone; err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-w2done:
				t.Fatalf("writer beside a reader (err %v)", err)
			default:
			}
			r2.RUnlock(ctx)
			if err := <-w2done; err != nil {
				t.Fatal(err)
			}
			w2.Unlock(ctx)
		})
	}
}
