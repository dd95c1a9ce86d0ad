package pool_test

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/pool"
	"github.com/concurkit/concur/syncx"
	"go.uber.org/goleak"
)

// gauge measures how many calls run at once and the most ever seen.
type gauge struct{ cur, max atomic.Int64 }

func (g *gauge) enter() {
	n := g.cur.Add(1)
	for m := g.max.Load(); n > m && !g.max.CompareAndSwap(m, n); m = g.max.Load() {
	}
}

func (g *gauge) leave() { g.cur.Add(-1) }

// catch runs f and returns what it panicked with, or nil.
func catch(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

func wantPoolPanic(t *testing.T, v any) {
	t.Helper()
	s, ok := v.(string)
	if !ok || !strings.HasPrefix(s, "pool: ") {
		t.Fatalf("panic value = %#v, want a string starting with \"pool: \"", v)
	}
}

func TestPoolLimitHolds(t *testing.T) {
	for _, limit := range []int{1, 2, 3, 8} {
		p := pool.New(limit)
		var g gauge
		var ran atomic.Int64
		var submitters sync.WaitGroup
		for range 4 { // Go from several goroutines at once
			submitters.Go(func() {
				for range 250 {
					p.Go(func() {
						g.enter()
						runtime.Gosched()
						g.leave()
						ran.Add(1)
					})
				}
			})
		}
		submitters.Wait()
		p.Wait()
		if got := g.max.Load(); got > int64(limit) {
			t.Errorf("limit %d: %d tasks ran at once", limit, got)
		}
		if ran.Load() != 1000 {
			t.Errorf("limit %d: %d tasks ran, want 1000", limit, ran.Load())
		}
	}
}

// With limit tasks blocked, the pool runs exactly limit of them, accepts
// exactly 4*limit more into its buffer without starting them, and then Go
// blocks: one more Go goes through only when a running task returns and its
// worker takes the oldest waiting task.
func TestPoolBackPressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const limit, waiting = 3, 4 * 3
		p := pool.New(limit)
		var g gauge
		release := make(chan struct{})
		var submitted atomic.Int64
		var order []int // start order, written by running tasks under mu
		var mu sync.Mutex
		go func() {
			for i := range limit + waiting + 5 {
				p.Go(func() {
					mu.Lock()
					order = append(order, i)
					mu.Unlock()
					g.enter()
					<-release
					g.leave()
				})
				submitted.Add(1)
			}
		}()
		synctest.Wait()
		if n := g.cur.Load(); n != limit {
			t.Fatalf("%d tasks running, want %d", n, limit)
		}
		if n := submitted.Load(); n != limit+waiting {
			t.Fatalf("Go returned %d times with %d tasks blocked, want %d (limit running, 4*limit waiting)", n, limit, limit+waiting)
		}
		release <- struct{}{} // one task finishes: its worker takes a waiting one, and one more Go goes through
		synctest.Wait()
		if n := g.cur.Load(); n != limit {
			t.Fatalf("after one task returned %d tasks running, want %d", n, limit)
		}
		if n := submitted.Load(); n != limit+waiting+1 {
			t.Fatalf("after one task returned Go returned %d times, want %d", n, limit+waiting+1)
		}
		mu.Lock()
		if len(order) != limit+1 || order[limit] != limit {
			t.Fatalf("started %v, want the first %d tasks and then task %d, the oldest waiting", order, limit, limit)
		}
		mu.Unlock()
		close(release)
		synctest.Wait()
		p.Wait()
		if g.max.Load() != limit {
			t.Fatalf("max running = %d, want %d", g.max.Load(), limit)
		}
		if len(order) != limit+waiting+5 {
			t.Fatalf("%d tasks ran, want %d", len(order), limit+waiting+5)
		}
	})
}

func TestPoolDefaultLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		want := runtime.GOMAXPROCS(0)
		for _, limit := range []int{0, -1} {
			p := pool.New(limit)
			var g gauge
			release := make(chan struct{})
			go func() {
				for range want + 2 {
					p.Go(func() { g.enter(); <-release; g.leave() })
				}
			}()
			synctest.Wait()
			if n := g.cur.Load(); n != int64(want) {
				t.Errorf("New(%d): %d tasks running, want GOMAXPROCS = %d", limit, n, want)
			}
			close(release)
			synctest.Wait()
			p.Wait()
		}
	})
}

var errTask = errors.New("task failed")

func TestPoolWaitReraisesPanic(t *testing.T) {
	p := pool.New(4)
	var slowDone atomic.Bool
	started := make(chan struct{})
	p.Go(func() {
		close(started)
		for range 100 {
			runtime.Gosched()
		}
		slowDone.Store(true)
	})
	<-started
	p.Go(func() { panicInTask(errTask) })
	for range 20 {
		p.Go(func() {})
	}
	v := catch(p.Wait)
	pe, ok := v.(*syncx.PanicError)
	if !ok {
		t.Fatalf("Wait panicked with %#v, want a *syncx.PanicError", v)
	}
	if pe.Value != errTask {
		t.Errorf("Value = %v, want the original value %v", pe.Value, errTask)
	}
	if !errors.Is(pe, errTask) {
		t.Error("errors.Is(panic, original) = false")
	}
	if !bytes.Contains(pe.Stack, []byte("panicInTask")) {
		t.Errorf("stack does not show the panicking task:\n%s", pe.Stack)
	}
	if !strings.Contains(pe.Error(), "panicInTask") {
		t.Error("Error() does not include the task's stack")
	}
	if !slowDone.Load() {
		t.Error("Wait re-raised the panic before the other tasks returned")
	}
	goleak.VerifyNone(t)

	// The pool is reusable and the reported panic is not raised again.
	var ran atomic.Int64
	for range 10 {
		p.Go(func() { ran.Add(1) })
	}
	p.Wait()
	if ran.Load() != 10 {
		t.Fatalf("after a panic %d tasks ran, want 10", ran.Load())
	}
}

//go:noinline
func panicInTask(v any) { panic(v) }

// Many panics in one round: Wait reports one of them, every task still runs,
// and the worker that recovered goes on serving tasks.
func TestPoolManyPanics(t *testing.T) {
	p := pool.New(2)
	var ran atomic.Int64
	for i := range 100 {
		p.Go(func() {
			ran.Add(1)
			if i%3 == 0 {
				panic(i)
			}
		})
	}
	pe, ok := catch(p.Wait).(*syncx.PanicError)
	if !ok {
		t.Fatal("Wait did not re-raise a *syncx.PanicError")
	}
	if i, ok := pe.Value.(int); !ok || i%3 != 0 {
		t.Errorf("Value = %v, want one of the panicking tasks' values", pe.Value)
	}
	if ran.Load() != 100 {
		t.Errorf("%d tasks ran, want 100", ran.Load())
	}
}

// A task that calls runtime.Goexit ends only its own goroutine: later tasks
// still run, a Go blocked behind it goes through, and Wait returns. In a
// synctest bubble a hang would be reported as a deadlock.
func TestPoolGoexit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, limit := range []int{1, 3} {
			p := pool.New(limit)
			var ran atomic.Int64
			for i := range 30 {
				p.Go(func() {
					ran.Add(1)
					if i%2 == 0 {
						runtime.Goexit()
					}
				})
			}
			p.Wait()
			if ran.Load() != 30 {
				t.Errorf("limit %d: %d tasks ran, want 30", limit, ran.Load())
			}
		}
	})
}

func TestPoolReuse(t *testing.T) {
	p := pool.New(3)
	for round := range 5 {
		var sum atomic.Int64
		for i := range 100 {
			p.Go(func() { sum.Add(int64(i)) })
		}
		p.Wait()
		if sum.Load() != 4950 {
			t.Fatalf("round %d: sum = %d, want 4950", round, sum.Load())
		}
		// Nothing of the pool is left running between rounds.
		goleak.VerifyNone(t)
	}
	p.Wait() // a round without tasks
}

// A task's effects are visible after Wait (Go and the task's return
// synchronize with Wait); -race checks it.
func TestPoolHappensBefore(t *testing.T) {
	p := pool.New(4)
	data := make([]int, 1000)
	for i := range data {
		p.Go(func() { data[i] = i })
	}
	p.Wait()
	for i, v := range data {
		if v != i {
			t.Fatalf("data[%d] = %d after Wait", i, v)
		}
	}
}

func TestPoolMisuse(t *testing.T) {
	p := pool.New(1)
	wantPoolPanic(t, catch(func() { p.Go(nil) }))
	var zero pool.Pool
	wantPoolPanic(t, catch(func() { zero.Go(func() {}) }))
	wantPoolPanic(t, catch(zero.Wait))
}

func TestPoolConcurrentWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pool.New(1)
		release := make(chan struct{})
		p.Go(func() { <-release })
		go p.Wait()
		synctest.Wait()
		wantPoolPanic(t, catch(p.Wait))
		close(release)
		synctest.Wait()
	})
}

// Importing the package starts no goroutine.
func TestNoGoroutinesAtImport(t *testing.T) {
	goleak.VerifyNone(t)
	_ = pool.New(4) // nor does New
	goleak.VerifyNone(t)
}
