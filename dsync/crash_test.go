package dsync_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/concurkit/concur/dsync"
)

// TestCrashedHolderFrees: a holder whose client is closed without
// unlocking (as when its process dies) frees the mutex, the permits and its
// barrier party within about the lease's TTL. The time is logged.
func TestCrashedHolderFrees(t *testing.T) {
	for _, kind := range []string{"mutex", "semaphore", "rwmutex"} {
		t.Run(kind, func(t *testing.T) {
			ctx := testCtx(t)
			name := uniqueName(t)
			crashClient, err := shared.Client()
			if err != nil {
				t.Fatal(err)
			}
			crashSession := sessionTTL(t, crashClient, crashTTL)
			waiterSession := newSession(t)
			var hold, wait func() (dsync.Fence, error)
			switch kind {
			case "mutex":
				a, b := dsync.NewMutex(crashSession, name), dsync.NewMutex(waiterSession, name)
				hold, wait = func() (dsync.Fence, error) { return a.Lock(ctx) }, func() (dsync.Fence, error) { return b.Lock(ctx) }
			case "semaphore":
				a, b := dsync.NewSemaphore(crashSession, name, 2), dsync.NewSemaphore(waiterSession, name, 2)
				hold, wait = func() (dsync.Fence, error) { return a.Acquire(ctx, 2) }, func() (dsync.Fence, error) { return b.Acquire(ctx, 1) }
			case "rwmutex":
				a, b := dsync.NewRWMutex(crashSession, name, dsync.WriterPreferring), dsync.NewRWMutex(waiterSession, name, dsync.WriterPreferring)
				hold, wait = func() (dsync.Fence, error) { return a.Lock(ctx) }, func() (dsync.Fence, error) { return b.RLock(ctx) }
			}
			held, err := hold()
			if err != nil {
				t.Fatal(err)
			}
			got := make(chan dsync.Fence, 1)
			go func() {
				f, err := wait()
				if err != nil {
					t.Error(err)
				}
				got <- f
			}()
			waitKeys(t, kind, name, 2)
			start := time.Now()
			crashClient.Close() // no unlock, no revoke: the lease must expire
			var f dsync.Fence
			select {
			case f = <-got:
			case <-time.After(3 * crashTTL * time.Second):
				t.Fatalf("not freed within %ds", 3*crashTTL)
			}
			t.Logf("%s freed %v after the holder's client closed (TTL %ds)", kind, time.Since(start).Round(time.Millisecond), crashTTL)
			if f.Token() <= held.Token() {
				t.Errorf("token %d after the crashed holder's %d", f.Token(), held.Token())
			}
			select {
			case <-held.Done():
			case <-time.After(3 * crashTTL * time.Second):
				t.Error("crashed holder's Done never closed")
			}
		})
	}
}

// TestCancelledWaitsLeaveNothing: a storm of waits that are cancelled at
// random moments (some while queued, some as the grant arrives) leaves no
// key in etcd, and the primitive still works.
func TestCancelledWaitsLeaveNothing(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	const clients, tries = 6, 15
	var wg sync.WaitGroup
	var granted, cancelled sync.Map
	for i := range clients {
		s := newSession(t)
		m := dsync.NewMutex(s, name)
		sem := dsync.NewSemaphore(s, name, 2)
		// One policy per name: mixing them on one name is ErrMismatch.
		rw := dsync.NewRWMutex(s, fmt.Sprintf("%s/%d", name, i%3), dsync.Policy(i%3))
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 3))
			for j := range tries {
				wctx, cancel := context.WithTimeout(ctx, time.Duration(r.IntN(30))*time.Millisecond)
				var err error
				var release func() error
				switch j % 4 {
				case 0:
					_, err = m.Lock(wctx)
					release = func() error { return m.Unlock(ctx) }
				case 1:
					n := 1 + int64(r.IntN(2))
					_, err = sem.Acquire(wctx, n)
					release = func() error { return sem.Release(ctx, n) }
				case 2:
					_, err = rw.Lock(wctx)
					release = func() error { return rw.Unlock(ctx) }
				case 3:
					_, err = rw.RLock(wctx)
					release = func() error { return rw.RUnlock(ctx) }
				}
				cancel()
				switch {
				case err == nil:
					granted.Store(i*tries+j, true)
					if err := release(); err != nil {
						t.Error(err)
					}
				case errors.Is(err, context.DeadlineExceeded):
					cancelled.Store(i*tries+j, true)
				default:
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	c := shared.NewClient(t)
	for _, kind := range []string{"mutex", "semaphore"} {
		if n := keysUnder(t, c, kind, name); n != 0 {
			t.Errorf("%d %s keys left", n, kind)
		}
	}
	for p := range 3 {
		if n := keysUnder(t, c, "rwmutex", fmt.Sprintf("%s/%d", name, p)); n != 0 {
			t.Errorf("%d rwmutex keys left", n)
		}
	}
	var g, x int
	granted.Range(func(any, any) bool { g++; return true })
	cancelled.Range(func(any, any) bool { x++; return true })
	t.Logf("%d granted, %d cancelled", g, x)
	if x == 0 {
		t.Error("no wait was cancelled; the storm tested nothing")
	}
	// Still usable.
	m := dsync.NewMutex(newSession(t), name)
	if _, err := m.TryLock(ctx); err != nil {
		t.Fatal(err)
	}
	m.Unlock(ctx)
}
