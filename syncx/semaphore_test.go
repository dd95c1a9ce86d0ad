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

func TestSemaphoreBasics(t *testing.T) {
	s := syncx.NewSemaphore(3)
	ctx := context.Background()
	if err := s.Acquire(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if got := s.Available(); got != 1 {
		t.Fatalf("Available = %d, want 1", got)
	}
	if s.TryAcquire(2) {
		t.Fatal("TryAcquire(2) with 1 available succeeded")
	}
	if !s.TryAcquire(1) {
		t.Fatal("TryAcquire(1) with 1 available failed")
	}
	if !s.TryAcquire(0) {
		t.Fatal("TryAcquire(0) failed")
	}
	s.Release(3)
	s.Release(2) // above the initial permits is allowed
	if got := s.Available(); got != 5 {
		t.Fatalf("Available = %d, want 5", got)
	}
	if err := s.Acquire(ctx, 5); err != nil {
		t.Fatal(err)
	}
}

func TestSemaphoreStoredSignal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := syncx.NewSemaphore(0)
		s.Release(1) // before anyone acquires: stored, not lost
		if err := s.Acquire(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
		if s.Available() != 0 {
			t.Fatalf("Available = %d, want 0", s.Available())
		}
	})
}

func TestSemaphoreDoneContextFails(t *testing.T) {
	s := syncx.NewSemaphore(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Acquire(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire with a done ctx = %v, want context.Canceled", err)
	}
	if s.Available() != 1 {
		t.Fatalf("a failed Acquire took permits: Available = %d", s.Available())
	}
}

// semStart starts Acquire(ctx, n) in a goroutine and returns a channel that
// receives its result. Call it inside a bubble and then synctest.Wait.
func semStart(ctx context.Context, s *syncx.Semaphore, n int64) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- s.Acquire(ctx, n) }()
	return ch
}

func semDone(ch <-chan error) (error, bool) {
	select {
	case err := <-ch:
		return err, true
	default:
		return nil, false
	}
}

func TestSemaphoreFIFO(t *testing.T) {
	for _, cancellable := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			ctx := context.Background()
			if cancellable {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				defer cancel()
			}
			s := syncx.NewSemaphore(0)
			big := semStart(ctx, s, 5)
			synctest.Wait()
			small := semStart(ctx, s, 1)
			synctest.Wait()

			s.Release(1)
			synctest.Wait()
			if _, ok := semDone(small); ok {
				t.Fatal("a later small Acquire overtook a waiting large one")
			}
			if s.TryAcquire(1) {
				t.Fatal("TryAcquire barged past queued waiters")
			}
			s.Release(4)
			synctest.Wait()
			if err, ok := semDone(big); !ok || err != nil {
				t.Fatalf("large Acquire: done=%v err=%v, want it granted", ok, err)
			}
			if _, ok := semDone(small); ok {
				t.Fatal("small Acquire granted with no permits left")
			}
			s.Release(5)
			synctest.Wait()
			if err, ok := semDone(small); !ok || err != nil {
				t.Fatalf("small Acquire: done=%v err=%v", ok, err)
			}
			if s.Available() != 4 {
				t.Fatalf("Available = %d, want 4", s.Available())
			}
		})
	}
}

// A cancelled waiter at the head must pass on the permits it was blocking, or
// the waiters behind it would wait for ever.
func TestSemaphoreCancelledHeadLetsOthersThrough(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := syncx.NewSemaphore(2)
		ctx, cancel := context.WithCancel(context.Background())
		big := semStart(ctx, s, 3)
		synctest.Wait()
		small := semStart(context.Background(), s, 2)
		synctest.Wait()
		if _, ok := semDone(small); ok {
			t.Fatal("small Acquire overtook the large one")
		}
		cancel()
		synctest.Wait()
		if err, ok := semDone(big); !ok || !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled Acquire: done=%v err=%v", ok, err)
		}
		if err, ok := semDone(small); !ok || err != nil {
			t.Fatalf("Acquire behind the cancelled one: done=%v err=%v", ok, err)
		}
	})
}

// Acquire of more than will ever be available waits until ctx ends; with fake
// time the deadline is exact.
func TestSemaphoreTimeoutFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := syncx.NewSemaphore(1)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		start := time.Now()
		err := s.Acquire(ctx, 2)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Acquire = %v, want DeadlineExceeded", err)
		}
		if d := time.Since(start); d != 3*time.Second {
			t.Fatalf("Acquire gave up after %v, want 3s", d)
		}
		if s.Available() != 1 {
			t.Fatalf("Available = %d, want 1", s.Available())
		}
	})
}

// Goroutines blocked in Acquire are durably blocked: synctest.Wait returns
// while they wait, with and without a cancellable context.
func TestSemaphoreDurableWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := syncx.NewSemaphore(0)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		a := semStart(context.Background(), s, 1)
		b := semStart(ctx, s, 1)
		synctest.Wait() // would never return if the waits were not durable
		s.Release(2)
		synctest.Wait()
		for _, ch := range []<-chan error{a, b} {
			if err, ok := semDone(ch); !ok || err != nil {
				t.Fatalf("done=%v err=%v", ok, err)
			}
		}
	})
}

// A Semaphore made outside any bubble recycles its waiter nodes; using it
// from two bubbles in turn must not carry anything of one bubble to the other.
func TestSemaphoreAcrossBubbles(t *testing.T) {
	s := syncx.NewSemaphore(0)
	for range 3 {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var chs []<-chan error
			for i := range 8 {
				c := context.Background()
				if i%2 == 0 {
					c = ctx
				}
				chs = append(chs, semStart(c, s, 1))
			}
			synctest.Wait()
			s.Release(8)
			for _, ch := range chs {
				if err := <-ch; err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	// And outside a bubble, with the nodes the bubbles left behind.
	done := make(chan error)
	go func() { done <- s.Acquire(context.Background(), 1) }()
	s.Release(1)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Release racing Acquire: two goroutines play ping-pong over two empty
// semaphores, so that nearly every Release meets an Acquire on its way to
// sleep. A lost wake-up leaves the bubble deadlocked, which synctest reports
// as a failure.
func TestSemaphoreNoLostWakeup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		for _, c := range []context.Context{context.Background(), ctx} {
			ping, pong := syncx.NewSemaphore(0), syncx.NewSemaphore(0)
			const rounds = 5000
			var wg sync.WaitGroup
			wg.Go(func() {
				for range rounds {
					ping.Release(1)
					if err := pong.Acquire(c, 1); err != nil {
						t.Error(err)
						return
					}
				}
			})
			wg.Go(func() {
				for range rounds {
					if err := ping.Acquire(c, 1); err != nil {
						t.Error(err)
						return
					}
					pong.Release(1)
				}
			})
			wg.Wait()
			if ping.Available() != 0 || pong.Available() != 0 {
				t.Fatalf("Available = %d, %d, want 0, 0", ping.Available(), pong.Available())
			}
			// Bursts: releasers and acquirers started at the same moment.
			for range 2000 {
				s := syncx.NewSemaphore(0)
				wg.Go(func() { s.Release(1) })
				wg.Go(func() {
					if err := s.Acquire(c, 1); err != nil {
						t.Error(err)
					}
				})
				wg.Wait()
			}
		}
	})
}

// Many goroutines acquire random weights, some with contexts cancelled at
// random moments. Mutual exclusion holds throughout, and at the end all
// permits are back: none was lost or duplicated by a cancellation.
func TestSemaphoreCancellationStorm(t *testing.T) {
	const permits = 4
	s := syncx.NewSemaphore(permits)
	var held atomic.Int64
	var wg sync.WaitGroup
	var ok, cancelled atomic.Int64
	for g := range 2000 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 1))
			n := 1 + r.Int64N(permits)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if r.IntN(2) == 0 {
				go cancel()
			}
			if err := s.Acquire(ctx, n); err != nil {
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Acquire = %v", err)
				}
				cancelled.Add(1)
				return
			}
			if h := held.Add(n); h > permits {
				t.Errorf("%d permits held, more than %d", h, permits)
			}
			held.Add(-n)
			ok.Add(1)
			s.Release(n)
		})
	}
	wg.Wait()
	if got := s.Available(); got != permits {
		t.Fatalf("after the storm Available = %d, want %d", got, permits)
	}
	if ok.Load() == 0 || cancelled.Load() == 0 {
		t.Logf("storm did not exercise both outcomes: ok=%d cancelled=%d", ok.Load(), cancelled.Load())
	}
}

// TryAcquire never fails because of contention: with fewer goroutines than
// permits, each holding at most one, a permit is always free.
func TestSemaphoreTryAcquireNotSpurious(t *testing.T) {
	const goroutines = 8
	s := syncx.NewSemaphore(goroutines)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range 20000 {
				if !s.TryAcquire(1) {
					t.Error("TryAcquire failed with a permit free")
					return
				}
				s.Release(1)
			}
		})
	}
	wg.Wait()
}

// A grant that races the cancellation of a waiter: whichever the waiter
// sees, it holds the permit exactly when Acquire returned nil.
func TestSemaphoreGrantRacesCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// One P, so that the waiter cannot run between cancel and Release:
		// it wakes for its ctx and finds the permit granted.
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		var sawCancel, sawGrant bool
		for range 200 {
			s := syncx.NewSemaphore(0)
			ctx, cancel := context.WithCancel(context.Background())
			res := semStart(ctx, s, 1)
			synctest.Wait()
			cancel()     // wakes the waiter through its ctx, and before it runs...
			s.Release(1) // ...grants it the permit
			err := <-res
			want := int64(1)
			if err == nil {
				want = 0
				sawGrant = true
			} else {
				sawCancel = true
			}
			if got := s.Available(); got != want {
				t.Fatalf("Acquire = %v and Available = %d, want %d", err, got, want)
			}
		}
		if !sawCancel || !sawGrant {
			t.Logf("race not exercised both ways: grant=%v cancel=%v", sawGrant, sawCancel)
		}
	})
}

func TestSemaphoreMisusePanics(t *testing.T) {
	s := syncx.NewSemaphore(1)
	for name, f := range map[string]func(){
		"NewSemaphore": func() { syncx.NewSemaphore(-1) },
		"Acquire":      func() { _ = s.Acquire(context.Background(), -1) },
		"TryAcquire":   func() { s.TryAcquire(-1) },
		"Release":      func() { s.Release(-1) },
	} {
		semExpectPanic(t, name, f)
	}
}

func semExpectPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		v := recover()
		msg, _ := v.(string)
		if !strings.HasPrefix(msg, "syncx: ") {
			t.Errorf("%s: panic value %v, want a message starting with \"syncx: \"", name, v)
		}
	}()
	f()
}

func BenchmarkSemaphore(b *testing.B) {
	s := syncx.NewSemaphore(1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Acquire(ctx, 1); err != nil {
			b.Fatal(err)
		}
		s.Release(1)
	}
}

func BenchmarkSemaphoreTryAcquire(b *testing.B) {
	s := syncx.NewSemaphore(1)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if s.TryAcquire(1) {
				s.Release(1)
			}
		}
	})
}

// 64 goroutines share 1 permit; the benchmark in ../benchmarks compares this
// with golang.org/x/sync/semaphore.
func BenchmarkSemaphoreContended64(b *testing.B) {
	s := syncx.NewSemaphore(1)
	ctx := context.Background()
	b.ReportAllocs()
	var wg sync.WaitGroup
	for g := range 64 {
		n := b.N / 64
		if g < b.N%64 {
			n++
		}
		wg.Go(func() {
			for range n {
				if err := s.Acquire(ctx, 1); err != nil {
					b.Error(err)
					return
				}
				s.Release(1)
			}
		})
	}
	wg.Wait()
}
