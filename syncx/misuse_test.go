package syncx_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
)

// mustPanic calls f and fails unless it panics with a message starting with
// want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		s, _ := r.(string)
		if !strings.HasPrefix(s, want) {
			t.Fatalf("panic %v (%T), want a panic starting with %q", r, r, want)
		}
	}()
	f()
}

// Every ctx-taking method panics on a nil ctx, with the package's phrasing,
// before it touches any state: afterwards the value works as if the call had
// not been made.
func TestNilContextPanics(t *testing.T) {
	//lint:ignore SA1012 a nil ctx is the misuse under test
	var nilCtx context.Context
	bg := context.Background()

	var m syncx.Mutex
	mustPanic(t, "syncx: Mutex.LockContext with nil context", func() { _ = m.LockContext(nilCtx) })
	if !m.TryLock() {
		t.Fatal("Mutex held after the panic")
	}
	m.Unlock()

	for _, p := range []syncx.Policy{syncx.WriterPreferring, syncx.ReaderPreferring, syncx.Fair} {
		rw := syncx.NewRWMutex(p)
		mustPanic(t, "syncx: RWMutex.LockContext with nil context", func() { _ = rw.LockContext(nilCtx) })
		mustPanic(t, "syncx: RWMutex.RLockContext with nil context", func() { _ = rw.RLockContext(nilCtx) })
		if !rw.TryLock() {
			t.Fatal("RWMutex held after the panics")
		}
		rw.Unlock()
	}

	c := syncx.NewCond(&m)
	m.Lock()
	mustPanic(t, "syncx: Cond.Wait with nil context", func() { _ = c.Wait(nilCtx) })
	m.Unlock() // still held by us: Wait did not unlock it

	s := syncx.NewSemaphore(1)
	mustPanic(t, "syncx: Semaphore.Acquire with nil context", func() { _ = s.Acquire(nilCtx, 1) })
	if s.Available() != 1 {
		t.Fatal("Semaphore changed by the panic")
	}

	var wg syncx.WaitGroup
	wg.Add(1)
	mustPanic(t, "syncx: WaitGroup.WaitContext with nil context", func() { _ = wg.WaitContext(nilCtx) })
	// No stale waiter may be left to take the next cycle's panic report.
	wg.Go(func() { panic("task") })
	wg.Done()
	wg.Add(1)
	wg.Done()
	mustPanicValue(t, "task", wg.Wait)

	b := syncx.NewBarrier(1, nil)
	mustPanic(t, "syncx: Barrier.Await with nil context", func() { _, _ = b.Await(nilCtx) })
	if b.Waiting() != 0 || b.Broken() {
		t.Fatal("Barrier changed by the panic")
	}

	l := syncx.NewLatch(1)
	mustPanic(t, "syncx: Latch.Wait with nil context", func() { _ = l.Wait(nilCtx) })

	q := syncx.NewQueue[int](0)
	mustPanic(t, "syncx: Queue.Put with nil context", func() { _ = q.Put(nilCtx, 1) })
	mustPanic(t, "syncx: Queue.Take with nil context", func() { _, _ = q.Take(nilCtx) })
	if q.Len() != 0 {
		t.Fatal("Queue changed by the panic")
	}
	_ = bg
}

// mustPanicValue calls f and fails unless it panics with a *syncx.PanicError
// whose Value is want.
func mustPanicValue(t *testing.T, want any, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		var pe *syncx.PanicError
		if err, ok := r.(error); !ok || !errors.As(err, &pe) || pe.Value != want {
			t.Fatalf("panic %v, want a *PanicError of %v", r, want)
		}
	}()
	f()
}

// Release that would overflow the count panics before it changes anything,
// on the fast path and on the path that hands permits to waiters, and leaves
// the semaphore usable (no internal lock is left held).
func TestSemaphoreReleaseOverflow(t *testing.T) {
	s := syncx.NewSemaphore(math.MaxInt64)
	mustPanic(t, "syncx: Semaphore.Release overflows", func() { s.Release(1) })
	if n := s.Available(); n != math.MaxInt64 {
		t.Fatalf("Available = %d after the overflow panic, want MaxInt64", n)
	}

	synctest.Test(t, func(t *testing.T) {
		s := syncx.NewSemaphore(math.MaxInt64 - 1)
		res := make(chan error, 1)
		go func() { res <- s.Acquire(context.Background(), math.MaxInt64) }()
		synctest.Wait() // queued: it needs one more permit
		mustPanic(t, "syncx: Semaphore.Release overflows", func() { s.Release(2) })
		if n := s.Available(); n != math.MaxInt64-1 {
			t.Fatalf("Available = %d after the overflow panic, want MaxInt64-1", n)
		}
		got := make(chan bool, 1)
		go func() { got <- s.TryAcquire(1) }() // deadlocks if the panic left s.mu held
		synctest.Wait()
		select {
		case ok := <-got:
			if ok {
				t.Fatal("TryAcquire overtook the queued Acquire")
			}
		default:
			t.Fatal("TryAcquire blocked after the overflow panic: an internal lock was left held")
		}
		s.Release(1)
		if err := <-res; err != nil {
			t.Fatal(err)
		}
	})
}

// Acquire(ctx, 0) succeeds at once, also behind a queued waiter.
func TestSemaphoreAcquireZeroBehindWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := syncx.NewSemaphore(0)
		res := make(chan error, 1)
		go func() { res <- s.Acquire(context.Background(), 1) }()
		synctest.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		if err := s.Acquire(ctx, 0); err != nil {
			t.Fatalf("Acquire(ctx, 0) behind a waiter = %v, want nil at once", err)
		}
		if !s.TryAcquire(0) {
			t.Fatal("TryAcquire(0) behind a waiter = false")
		}
		cancel()
		if err := s.Acquire(ctx, 0); !errors.Is(err, context.Canceled) {
			t.Fatalf("Acquire(done ctx, 0) = %v, want context.Canceled", err)
		}
		s.Release(1)
		if err := <-res; err != nil {
			t.Fatal(err)
		}
	})
}

// Wait without holding L panics (L's Unlock does) and leaves no waiter
// behind: the next Signal reaches a real waiter.
func TestCondWaitWithoutLLeavesNoGhost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu syncx.Mutex // its Unlock of an unlocked mutex panics (sync.Mutex's is fatal)
		c := syncx.NewCond(&mu)
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("Wait without L held did not panic")
				}
			}()
			_ = c.Wait(context.Background())
		}()
		woke := make(chan struct{})
		go func() {
			mu.Lock()
			_ = c.Wait(context.Background())
			mu.Unlock()
			close(woke)
		}()
		synctest.Wait()
		c.Signal()
		synctest.Wait()
		select {
		case <-woke:
		default:
			c.Broadcast()
			<-woke
			t.Fatal("Signal went to the waiter left behind by the panicking Wait; the real waiter slept on")
		}
	})
}

// An already-done ctx fails at once, even when the wait is already satisfied:
// the package's one rule for every ctx-taking method.
func TestDoneContextFailsEvenIfSatisfied(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var m syncx.Mutex
	if err := m.LockContext(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Mutex.LockContext = %v", err)
	}
	rw := syncx.NewRWMutex(syncx.Fair)
	if err := rw.LockContext(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("RWMutex.LockContext = %v", err)
	}
	if err := rw.RLockContext(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("RWMutex.RLockContext = %v", err)
	}
	if err := syncx.NewSemaphore(1).Acquire(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Semaphore.Acquire = %v", err)
	}
	var wg syncx.WaitGroup
	if err := wg.WaitContext(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitGroup.WaitContext on a zero counter = %v", err)
	}
	if err := syncx.NewLatch(0).Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Latch.Wait on an open latch = %v", err)
	}
	if _, err := syncx.NewBarrier(1, nil).Await(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Barrier.Await of a 1-party barrier = %v", err)
	}
	q := syncx.NewQueue[int](0)
	if err := q.Put(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Queue.Put = %v", err)
	}
	q.TryPut(1)
	if _, err := q.Take(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Queue.Take = %v", err)
	}
	m.Lock()
	c := syncx.NewCond(&m)
	if err := c.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Cond.Wait = %v", err)
	}
	m.Unlock()
}

// Java's idiom for recovering a broken barrier ends: Reset makes Broken false
// at once and starts a fresh round that completes.
func TestBarrierResetClearsBroken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := syncx.NewBarrier(2, nil)
		ctx, cancel := context.WithCancel(context.Background())
		errs := make(chan error, 1)
		go func() { _, err := b.Await(ctx); errs <- err }()
		synctest.Wait()
		cancel()
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Fatalf("Await = %v", err)
		}
		if !b.Broken() {
			t.Fatal("Broken = false after a party's ctx broke the round")
		}
		for i := 0; b.Broken(); i++ {
			if i == 10 {
				t.Fatal("for b.Broken() { b.Reset() } does not end")
			}
			b.Reset()
		}
		go func() { _, err := b.Await(context.Background()); errs <- err }()
		if _, err := b.Await(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	})
}

// A Latch belongs to no bubble: a first blocking Wait outside a bubble does
// not make later waits inside one non-durable, and one latch can be waited on
// in two bubbles one after the other.
func TestLatchAcrossBubbles(t *testing.T) {
	l := syncx.NewLatch(1)
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- l.Wait(ctx) }() // may block outside any bubble
	cancel()
	<-res
	for range 2 {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res := make(chan error, 1)
			go func() { res <- l.Wait(ctx) }()
			synctest.Wait() // must be durably blocked
			time.Sleep(time.Minute)
			if err := <-res; !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Wait = %v", err)
			}
		})
	}
	l.CountDown()
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}
