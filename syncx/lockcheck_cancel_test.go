package syncx

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// With the lock checker, a LockContext or RLockContext that fails because its
// ctx ended must leave no hold of the lock recorded for its goroutine,
// whichever way the race with the release went: failed while waiting, or
// took the lock after ctx ended and passed it on (a hold followed by its
// release). A hold left behind would make the goroutine's next Lock of the
// same lock a RecursiveLock report. Without the tag this checks the
// cancellation rule again and that nothing is reported.
func TestLockCheckCancelledWaitLeavesNoHold(t *testing.T) {
	const rounds = 1_000
	type shape struct {
		name    string
		setup   func() (wait func(context.Context) error, queued func() bool, release func())
		relock  func()
		isFreed func() bool
	}
	var shapes []shape
	{
		var m *Mutex
		shapes = append(shapes, shape{
			name: "Mutex/LockContext/Unlock",
			setup: func() (func(context.Context) error, func() bool, func()) {
				m = new(Mutex)
				m.Lock()
				return m.LockContext, m.queuedForTest, m.Unlock
			},
			relock:  func() { m.Lock(); m.Unlock() },
			isFreed: func() bool { return m.state.Load()&mutexLocked == 0 },
		})
	}
	for _, p := range []Policy{WriterPreferring, ReaderPreferring, Fair} {
		for _, mode := range []string{"LockContext/Unlock", "RLockContext/Unlock", "LockContext/RUnlock"} {
			var rw *RWMutex
			shapes = append(shapes, shape{
				name: fmt.Sprintf("RWMutex/%v/%s", p, mode),
				setup: func() (func(context.Context) error, func() bool, func()) {
					rw = NewRWMutex(p)
					wait, release := rw.LockContext, rw.Unlock
					switch mode {
					case "RLockContext/Unlock":
						wait = rw.RLockContext
					case "LockContext/RUnlock":
						release = rw.RUnlock
					}
					if mode == "LockContext/RUnlock" {
						rw.RLock()
					} else {
						rw.Lock()
					}
					return wait, rw.queuedForTest, release
				},
				relock:  func() { rw.Lock(); rw.Unlock() },
				isFreed: func() bool { return rw.state.Load()&^(rwQueued|rwGate) == 0 },
			})
		}
	}

	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			var reports []*LockReport
			var mu Mutex
			defer OnLockReport(func(lr *LockReport) {
				mu.Lock()
				reports = append(reports, lr)
				mu.Unlock()
			})()
			for i := range rounds {
				wait, queued, release := s.setup()
				ctx, cancel := context.WithCancel(context.Background())
				res := make(chan error, 1)
				go func() {
					err := wait(ctx)
					if err != nil {
						// The goroutine takes the lock again, in write
						// mode, which conflicts with any hold of it.
						s.relock()
					}
					res <- err
				}()
				if i%2 == 0 {
					until(queued)
				}
				cancel()
				release()
				if err := <-res; !errors.Is(err, context.Canceled) {
					t.Fatalf("round %d: wait returned %v, want context.Canceled", i, err)
				}
				if !s.isFreed() {
					t.Fatalf("round %d: the lock is held after the cancelled wait", i)
				}
				mu.Lock()
				n := len(reports)
				mu.Unlock()
				if n > 0 {
					t.Fatalf("round %d: the checker reported %v", i, reports[0])
				}
			}
		})
	}
}
