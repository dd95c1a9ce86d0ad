package syncx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"testing"
)

// The tests in this file check the package's cancellation rule where a grant
// races the end of a ctx: the waiter's ctx is cancelled, and only then (in
// the same goroutine, so the cancellation happens before it) is the resource
// released. The wait must return ctx.Err() and leave the resource free for
// others. Every round is one chance for the race; half of the rounds first
// wait until the waiter has queued (the race with the wake-up), the others
// release at once (the race with the spin, the fast path and the queueing).

// raceRounds is how often each race shape is repeated: 50,000 times, or ten
// times as often with CONCUR_SOAK=1.
func raceRounds(t *testing.T) int {
	if testing.Short() {
		return 5_000
	}
	if os.Getenv("CONCUR_SOAK") == "1" {
		return 500_000
	}
	return 50_000
}

// until yields until cond holds, or gives up after a while (the round then
// tests the other shape of the race; nothing is lost).
func until(cond func() bool) {
	for range 10_000 {
		if cond() {
			return
		}
		runtime.Gosched()
	}
}

// raceShape runs rounds of: start wait(ctx) in a goroutine, optionally wait
// until queued() holds, cancel ctx, release(), and then check(err) the wait's
// result.
func raceShape(t *testing.T, setup func() (wait func(context.Context) error, queued func() bool, release func(), check func(error) error)) {
	t.Helper()
	for i := range raceRounds(t) {
		wait, queued, release, check := setup()
		ctx, cancel := context.WithCancel(context.Background())
		res := make(chan error, 1)
		go func() { res <- wait(ctx) }()
		if i%2 == 0 {
			until(queued)
		}
		cancel()
		release()
		if err := check(<-res); err != nil {
			t.Fatalf("round %d (waited for queueing: %v): %v", i, i%2 == 0, err)
		}
	}
}

func wantCanceled(err error) error {
	if !errors.Is(err, context.Canceled) {
		return fmt.Errorf("wait returned %v although its ctx was cancelled before the release; want context.Canceled", err)
	}
	return nil
}

func TestCancelRacesGrantSemaphore(t *testing.T) {
	raceShape(t, func() (func(context.Context) error, func() bool, func(), func(error) error) {
		s := NewSemaphore(0)
		return func(ctx context.Context) error { return s.Acquire(ctx, 1) },
			s.queuedForTest,
			func() { s.Release(1) },
			func(err error) error {
				if err := wantCanceled(err); err != nil {
					return err
				}
				if n := s.Available(); n != 1 {
					return fmt.Errorf("Available = %d after the cancelled Acquire, want 1", n)
				}
				return nil
			}
	})
}

func TestCancelRacesGrantMutex(t *testing.T) {
	raceShape(t, func() (func(context.Context) error, func() bool, func(), func(error) error) {
		var m Mutex
		m.Lock()
		return m.LockContext, m.queuedForTest, m.Unlock,
			func(err error) error {
				if err := wantCanceled(err); err != nil {
					return err
				}
				if !m.TryLock() {
					return errors.New("the mutex is held after the cancelled LockContext")
				}
				return nil
			}
	})
}

func TestCancelRacesGrantRWMutex(t *testing.T) {
	for _, p := range []Policy{WriterPreferring, ReaderPreferring, Fair} {
		for _, mode := range []string{"LockContext/Unlock", "RLockContext/Unlock", "LockContext/RUnlock"} {
			t.Run(fmt.Sprintf("%v/%s", p, mode), func(t *testing.T) {
				raceShape(t, func() (func(context.Context) error, func() bool, func(), func(error) error) {
					rw := NewRWMutex(p)
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
					return wait, rw.queuedForTest, release,
						func(err error) error {
							if err := wantCanceled(err); err != nil {
								return err
							}
							if !rw.TryLock() {
								return errors.New("the lock is held after the cancelled wait")
							}
							return nil
						}
				})
			})
		}
	}
}

// A Signal that comes after the ctx of the first waiter ended goes to the
// second waiter; the first returns ctx.Err().
func TestCancelRacesGrantCond(t *testing.T) {
	for i := range raceRounds(t) {
		var mu Mutex
		c := NewCond(&mu)
		ctx, cancel := context.WithCancel(context.Background())
		first, second := make(chan error, 1), make(chan error, 1)
		wait := func(ctx context.Context, res chan<- error) {
			mu.Lock()
			res <- c.Wait(ctx)
			mu.Unlock()
		}
		ctx2, cancel2 := context.WithCancel(context.Background())
		go wait(ctx, first)
		until(func() bool { return c.waitersForTest() == 1 })
		go wait(ctx2, second)
		until(func() bool { return c.waitersForTest() == 2 })
		queued := c.waitersForTest() == 2 // both, the first ahead of the second
		cancel()
		c.Signal()
		err := <-first
		left := c.waitersForTest() // the first has left; is the second still queued?
		cancel2()
		if err2 := <-second; err2 != nil && queued {
			t.Fatalf("round %d: the second waiter was not woken by the Signal (got %v from the cleanup)", i, err2)
		}
		if err := wantCanceled(err); err != nil {
			t.Fatalf("round %d: first waiter: %v", i, err)
		}
		if left != 0 && queued {
			t.Fatalf("round %d: the Signal did not wake the second waiter: it went to the first, whose ctx had ended", i)
		}
	}
}

func TestCancelRacesGrantQueueTake(t *testing.T) {
	raceShape(t, func() (func(context.Context) error, func() bool, func(), func(error) error) {
		q := NewQueue[int](0)
		return func(ctx context.Context) error { _, err := q.Take(ctx); return err },
			q.queuedForTest,
			func() { q.TryPut(1) },
			func(err error) error {
				if err := wantCanceled(err); err != nil {
					return err
				}
				if n := q.Len(); n != 1 {
					return fmt.Errorf("Len = %d after the cancelled Take, want 1: the value went to a Take that failed", n)
				}
				return nil
			}
	})
}

func TestCancelRacesGrantQueuePut(t *testing.T) {
	raceShape(t, func() (func(context.Context) error, func() bool, func(), func(error) error) {
		q := NewQueue[int](1)
		q.TryPut(1)
		return func(ctx context.Context) error { return q.Put(ctx, 2) },
			q.queuedForTest,
			func() { q.TryTake() },
			func(err error) error {
				if err := wantCanceled(err); err != nil {
					return err
				}
				if n := q.Len(); n != 0 {
					return fmt.Errorf("Len = %d after the cancelled Put, want 0: its value was queued", n)
				}
				return nil
			}
	})
}

func TestCancelRacesGrantLatch(t *testing.T) {
	raceShape(t, func() (func(context.Context) error, func() bool, func(), func(error) error) {
		l := NewLatch(1)
		return l.Wait, l.queuedForTest, l.CountDown, wantCanceled
	})
}

func TestCancelRacesGrantWaitGroup(t *testing.T) {
	raceShape(t, func() (func(context.Context) error, func() bool, func(), func(error) error) {
		var wg WaitGroup
		wg.Add(1)
		return wg.WaitContext, wg.queuedForTest, wg.Done, wantCanceled
	})
}

// The last arrival completes a round only if no waiting party's ctx has
// ended; otherwise the round breaks.
func TestCancelRacesGrantBarrier(t *testing.T) {
	for i := range raceRounds(t) {
		b := NewBarrier(2, nil)
		ctx, cancel := context.WithCancel(context.Background())
		// The last arrival's ctx ends once the first has returned, for the
		// rounds in which the first broke the round (or never joined it)
		// before the last arrived.
		ctx2, cancel2 := context.WithCancel(context.Background())
		first := make(chan error, 1)
		go func() {
			_, err := b.Await(ctx)
			first <- err
			cancel2()
		}()
		if i%2 == 0 {
			until(func() bool { return b.Waiting() == 1 })
		}
		cancel()
		_, err2 := b.Await(ctx2)
		err := <-first
		if err := wantCanceled(err); err != nil {
			t.Fatalf("round %d: first party: %v", i, err)
		}
		if !errors.Is(err2, ErrBrokenBarrier) && !errors.Is(err2, context.Canceled) {
			t.Fatalf("round %d: last arrival got %v, want ErrBrokenBarrier (or its own ctx's end)", i, err2)
		}
	}
}
