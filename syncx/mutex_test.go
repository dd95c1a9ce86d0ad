package syncx_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
)

// mutexMustPanic runs f and fails the test unless f panics with a message
// containing want.
func mutexMustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		v := recover()
		if v == nil {
			t.Fatalf("no panic, want %q", want)
		}
		msg, _ := v.(string)
		if !strings.HasPrefix(msg, "syncx: ") || !strings.Contains(msg, want) {
			t.Fatalf("panic %v, want a syncx: message containing %q", v, want)
		}
	}()
	f()
}

func TestMutexZeroValue(t *testing.T) {
	var m syncx.Mutex
	if !m.TryLock() {
		t.Fatal("TryLock of the zero Mutex failed")
	}
	if m.TryLock() {
		t.Fatal("TryLock of a locked Mutex succeeded")
	}
	m.Unlock()
	m.Lock()
	m.Unlock()
	if err := m.LockContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.Unlock()
}

func TestMutexMisusePanics(t *testing.T) {
	var m syncx.Mutex
	mutexMustPanic(t, "unlock of unlocked Mutex", m.Unlock)
	m.Lock()
	m.Unlock()
	mutexMustPanic(t, "unlock of unlocked Mutex", m.Unlock)
	// The panic leaves the mutex usable.
	m.Lock()
	m.Unlock()
}

func TestMutexLockContextAlreadyDone(t *testing.T) {
	var m syncx.Mutex
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.LockContext(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("LockContext(done ctx) = %v, want Canceled", err)
	}
	if !m.TryLock() {
		t.Fatal("a failed LockContext left the mutex locked")
	}
}

func TestMutexLockContextTimeout(t *testing.T) {
	ignoreLockReports(t) // locks recursively on purpose
	synctest.Test(t, func(t *testing.T) {
		var m syncx.Mutex
		m.Lock()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		if err := m.LockContext(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("LockContext = %v, want DeadlineExceeded", err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("LockContext gave up after %v, want 1s", d)
		}
		m.Unlock()
		if !m.TryLock() {
			t.Fatal("lock not free after the cancelled waiter left")
		}
	})
}

// TestMutexFIFO checks that Unlock hands the lock to waiters in arrival
// order.
func TestMutexFIFO(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m syncx.Mutex
		m.Lock()
		var order []int
		for i := range 5 {
			go func() {
				m.Lock()
				order = append(order, i)
				m.Unlock()
			}()
			synctest.Wait() // i is queued before i+1 starts
		}
		m.Unlock()
		synctest.Wait()
		for i, v := range order {
			if i != v {
				t.Fatalf("waiters served in order %v, want arrival order", order)
			}
		}
		if len(order) != 5 {
			t.Fatalf("%d of 5 waiters served", len(order))
		}
	})
}

// TestMutexStressCancel hammers one Mutex from many goroutines that use Lock,
// TryLock and LockContext with contexts cancelled at random moments by other
// goroutines, so that cancellations race hand-overs. Mutual exclusion is
// checked in every critical section; at the end the lock must be free. A
// lost hand-over shows as a deadlock (reported by the bubble), a duplicated
// one as two goroutines inside the critical section.
func TestMutexStressCancel(t *testing.T) {
	const goroutines, iters = 1000, 20
	synctest.Test(t, func(t *testing.T) {
		var (
			m                syncx.Mutex
			inside           atomic.Int32
			plain            int // guarded by m; the race detector checks it too
			acquired, gaveUp atomic.Int64
			wg               sync.WaitGroup
			mutexCheckInside = func() {
				if n := inside.Add(1); n != 1 {
					t.Errorf("%d goroutines hold the Mutex", n)
				}
				plain++
				runtime.Gosched()
				inside.Add(-1)
			}
		)
		for g := range goroutines {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(g), 1))
				for range iters {
					switch r.IntN(4) {
					case 0:
						m.Lock()
					case 1:
						if !m.TryLock() {
							continue
						}
					default:
						ctx, cancel := context.WithCancel(context.Background())
						spins := r.IntN(4)
						go func() {
							for range spins {
								runtime.Gosched()
							}
							cancel()
						}()
						if err := m.LockContext(ctx); err != nil {
							gaveUp.Add(1)
							continue
						}
					}
					acquired.Add(1)
					mutexCheckInside()
					m.Unlock()
				}
			})
		}
		wg.Wait()
		if int64(plain) != acquired.Load() {
			t.Errorf("counter %d, want %d", plain, acquired.Load())
		}
		if !m.TryLock() {
			t.Fatal("lock not free at the end")
		}
		t.Logf("acquired %d, gave up %d", acquired.Load(), gaveUp.Load())
	})
}

// TestMutexCancelRacesWakeup cancels the first waiter just before Unlock
// wakes it, so that it is typically woken and cancelled at once. It must pass
// the wake-up on to the next waiter, or that one sleeps while the lock is
// free and the bubble reports a deadlock.
func TestMutexCancelRacesWakeup(t *testing.T) {
	for range 200 {
		synctest.Test(t, func(t *testing.T) {
			var m syncx.Mutex
			m.Lock()
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				if m.LockContext(ctx) == nil {
					m.Unlock()
				}
			}()
			synctest.Wait()
			go func() { m.Lock(); m.Unlock() }()
			synctest.Wait()
			cancel()
			m.Unlock()
			synctest.Wait()
			if !m.TryLock() {
				t.Fatal("lock not free at the end")
			}
		})
	}
}

// TestMutexCancelRacesHandOff makes a waiter starving (woken after waiting
// more than a millisecond of fake time, then overtaken), so that the next
// Unlock hands the lock to it directly, and cancels it just before that
// Unlock. A waiter handed the lock while cancelled must release it, or the
// lock is lost and the goroutine queued behind it deadlocks.
func TestMutexCancelRacesHandOff(t *testing.T) {
	overtaken := 0
	for range 200 {
		synctest.Test(t, func(t *testing.T) {
			var m syncx.Mutex
			m.Lock()
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				if m.LockContext(ctx) == nil {
					m.Unlock()
				}
			}()
			synctest.Wait()
			time.Sleep(2 * time.Millisecond)
			m.Unlock()
			if !m.TryLock() { // the waiter won; nothing to test this time
				cancel()
				return
			}
			overtaken++
			synctest.Wait()
			go func() { m.Lock(); m.Unlock() }()
			synctest.Wait()
			cancel()
			m.Unlock()
			synctest.Wait()
			if !m.TryLock() {
				t.Fatal("lock not free at the end")
			}
		})
	}
	if overtaken == 0 {
		t.Fatal("the waiter was never overtaken; the test tested nothing")
	}
}

// TestMutexNoStarvation: goroutines that re-lock in a tight loop would
// overtake a woken waiter forever if it had to win a race to get the lock;
// after a few lost races it must be handed the lock. The hammering
// goroutines stop only once the waiter got through, so starvation shows as
// a hang.
func TestMutexNoStarvation(t *testing.T) {
	var m syncx.Mutex
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for !stop.Load() {
				m.Lock()
				m.Unlock()
			}
		})
	}
	for range 50 {
		m.Lock()
		m.Unlock()
	}
	stop.Store(true)
	wg.Wait()
}

// TestMutexStressRealTimeouts: like TestMutexStressCancel, but outside a
// bubble, with real timers of a few microseconds ending the waits.
func TestMutexStressRealTimeouts(t *testing.T) {
	var m syncx.Mutex
	var inside atomic.Int32
	var wg sync.WaitGroup
	for g := range 64 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 6))
			for range 100 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.IntN(20))*time.Microsecond)
				err := m.LockContext(ctx)
				cancel()
				if err != nil {
					continue
				}
				if n := inside.Add(1); n != 1 {
					t.Errorf("%d goroutines hold the Mutex", n)
				}
				runtime.Gosched()
				inside.Add(-1)
				m.Unlock()
			}
		})
	}
	wg.Wait()
	if !m.TryLock() {
		t.Fatal("lock not free at the end")
	}
}

// TestMutexNoLostWakeup races Unlock against Lock with no cancellation and
// no bubble, under real scheduling: every goroutine must finish.
func TestMutexNoLostWakeup(t *testing.T) {
	var m syncx.Mutex
	var wg sync.WaitGroup
	n := 0
	for range 8 {
		wg.Go(func() {
			for range 2000 {
				m.Lock()
				n++
				m.Unlock()
			}
		})
	}
	wg.Wait()
	if n != 8*2000 {
		t.Fatalf("n = %d", n)
	}
}

func BenchmarkMutexUncontended(b *testing.B) {
	var m syncx.Mutex
	b.ReportAllocs()
	for b.Loop() {
		m.Lock()
		m.Unlock()
	}
}

func BenchmarkMutexContended(b *testing.B) {
	var m syncx.Mutex
	n := 0
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Lock()
			n++
			m.Unlock()
		}
	})
}
