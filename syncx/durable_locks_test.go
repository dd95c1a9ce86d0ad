package syncx_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
)

// TestDurableLocks blocks goroutines in every wait of Mutex, RWMutex (each
// policy) and Cond inside a synctest bubble. synctest.Wait returns only once
// every goroutine of the bubble is durably blocked, so it would hang here if
// any of these waits parked on a sync.Mutex or other non-durable primitive;
// a real-time watchdog turns that hang into a failure with a clear message.
func TestDurableLocks(t *testing.T) {
	watchdog := time.AfterFunc(time.Minute, func() {
		panic("TestDurableLocks: synctest.Wait did not return; some syncx wait is not durably blocking")
	})
	defer watchdog.Stop()
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		var wg sync.WaitGroup

		var m syncx.Mutex
		m.Lock()
		wg.Go(func() { m.Lock(); m.Unlock() })
		wg.Go(func() {
			if err := m.LockContext(ctx); err != nil {
				t.Error(err)
				return
			}
			m.Unlock()
		})

		var rws []*syncx.RWMutex
		for _, p := range rwPolicies {
			wlocked, rlocked := syncx.NewRWMutex(p), syncx.NewRWMutex(p)
			rws = append(rws, wlocked, rlocked)
			wlocked.Lock()  // readers and writers wait
			rlocked.RLock() // writers wait
			wg.Go(func() { wlocked.RLock(); wlocked.RUnlock() })
			wg.Go(func() {
				if err := wlocked.RLockContext(ctx); err != nil {
					t.Error(err)
					return
				}
				wlocked.RUnlock()
			})
			wg.Go(func() { wlocked.Lock(); wlocked.Unlock() })
			wg.Go(func() { rlocked.Lock(); rlocked.Unlock() })
			wg.Go(func() {
				if err := rlocked.LockContext(ctx); err != nil {
					t.Error(err)
					return
				}
				rlocked.Unlock()
			})
		}

		var cm syncx.Mutex
		c := syncx.NewCond(&cm)
		woken := false
		wg.Go(func() {
			cm.Lock()
			for !woken {
				if err := c.Wait(ctx); err != nil {
					t.Error(err)
				}
			}
			cm.Unlock()
		})

		synctest.Wait() // every goroutine above is now durably blocked

		m.Unlock()
		for i, rw := range rws {
			if i%2 == 0 {
				rw.Unlock()
			} else {
				rw.RUnlock()
			}
		}
		cm.Lock()
		woken = true
		cm.Unlock()
		c.Signal()
		wg.Wait()
	})
}

// TestDurableLocksFakeTimeout shows that a deadline set with fake time in a
// bubble cancels each kind of wait after exactly that much fake time.
func TestDurableLocksFakeTimeout(t *testing.T) {
	ignoreLockReports(t) // locks recursively on purpose
	waits := map[string]func(ctx context.Context) error{
		"Mutex.LockContext": func(ctx context.Context) error {
			var m syncx.Mutex
			m.Lock()
			return m.LockContext(ctx)
		},
		"Cond.Wait": func(ctx context.Context) error {
			var m syncx.Mutex
			m.Lock()
			defer m.Unlock()
			return syncx.NewCond(&m).Wait(ctx)
		},
	}
	for _, p := range rwPolicies {
		waits[p.String()+"/RWMutex.LockContext"] = func(ctx context.Context) error {
			rw := syncx.NewRWMutex(p)
			rw.RLock()
			return rw.LockContext(ctx)
		}
		waits[p.String()+"/RWMutex.RLockContext"] = func(ctx context.Context) error {
			rw := syncx.NewRWMutex(p)
			rw.Lock()
			return rw.RLockContext(ctx)
		}
	}
	for name, wait := range waits {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
				defer cancel()
				start := time.Now()
				if err := wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("got %v, want DeadlineExceeded", err)
				}
				if d := time.Since(start); d != time.Hour {
					t.Errorf("gave up after %v of fake time, want 1h", d)
				}
			})
		})
	}
}
