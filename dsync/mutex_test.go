package dsync_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/concurkit/concur/dsync"
)

// TestMutexExclusion has many clients, each with its own session, lock one
// mutex in turns; no two may hold it at once and tokens must rise.
func TestMutexExclusion(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	const clients, rounds = 8, 10
	var inside atomic.Int32
	var mu sync.Mutex
	var last int64
	var wg sync.WaitGroup
	for range clients {
		m := dsync.NewMutex(newSession(t), name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				f, err := m.Lock(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if n := inside.Add(1); n != 1 {
					t.Errorf("%d holders at once", n)
				}
				mu.Lock()
				if f.Token() <= last {
					t.Errorf("token %d after %d", f.Token(), last)
				}
				last = f.Token()
				mu.Unlock()
				inside.Add(-1)
				if err := m.Unlock(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := keysUnder(t, shared.NewClient(t), "mutex", name); n != 0 {
		t.Fatalf("%d keys left", n)
	}
}

func TestMutexTryLock(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	a := dsync.NewMutex(newSession(t), name)
	b := dsync.NewMutex(newSession(t), name)
	if _, err := a.TryLock(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.TryLock(ctx); !errors.Is(err, dsync.ErrWouldBlock) {
		t.Fatalf("TryLock of a held mutex: %v", err)
	}
	if err := a.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.TryLock(ctx); err != nil {
		t.Fatal(err)
	}
	b.Unlock(ctx)
	_ = context.Background
}
