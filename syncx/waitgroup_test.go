package syncx_test

import (
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
)

func TestWaitGroupZeroValue(t *testing.T) {
	var wg syncx.WaitGroup
	wg.Wait()
	if !wg.TryWait() {
		t.Fatal("TryWait of a zero WaitGroup = false")
	}
	if err := wg.WaitContext(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestWaitGroupWaitsAndIsDurable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var wg syncx.WaitGroup
		wg.Add(2)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		released := make(chan string, 2)
		go func() { wg.Wait(); released <- "Wait" }()
		go func() {
			if err := wg.WaitContext(ctx); err != nil {
				t.Error(err)
			}
			released <- "WaitContext"
		}()
		synctest.Wait() // both waiters durably blocked
		if wg.TryWait() {
			t.Fatal("TryWait = true with counter 2")
		}
		wg.Done()
		synctest.Wait()
		if len(released) != 0 {
			t.Fatal("released with counter 1")
		}
		wg.Done()
		synctest.Wait()
		if len(released) != 2 {
			t.Fatalf("%d of 2 waiters released at zero", len(released))
		}
		if !wg.TryWait() {
			t.Fatal("TryWait = false at zero")
		}
	})
}

func TestWaitGroupWaitContextTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var wg syncx.WaitGroup
		wg.Add(1)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		start := time.Now()
		if err := wg.WaitContext(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("WaitContext = %v", err)
		}
		if d := time.Since(start); d != time.Minute {
			t.Fatalf("gave up after %v", d)
		}
		// The abandoned wait left nothing behind: Done still works and a new
		// Wait returns.
		wg.Done()
		wg.Wait()
	})
}

// Done racing Wait: a lost wake-up deadlocks the bubble, which fails the test.
func TestWaitGroupNoLostWakeup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var wg syncx.WaitGroup
		for i := range 3000 {
			wg.Add(1)
			go wg.Done()
			if i%2 == 0 {
				wg.Wait()
			} else if err := wg.WaitContext(ctx); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func wgPanickingTask() { panic(io.ErrClosedPipe) }

func wgRecoverPanic(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

func TestWaitGroupGoPanicReraisedByWait(t *testing.T) {
	var wg syncx.WaitGroup
	wg.Go(wgPanickingTask)
	v := wgRecoverPanic(wg.Wait)
	pe, ok := v.(*syncx.PanicError)
	if !ok {
		t.Fatalf("Wait panicked with %T %v, want *syncx.PanicError", v, v)
	}
	if !errors.Is(pe, io.ErrClosedPipe) {
		t.Errorf("PanicError does not unwrap to the task's panic value: %v", pe.Value)
	}
	if !strings.Contains(string(pe.Stack), "wgPanickingTask") {
		t.Errorf("stack does not show the task:\n%s", pe.Stack)
	}
	// Every later wait on the finished cycle reports it too.
	if v := wgRecoverPanic(func() { wg.TryWait() }); v != pe {
		t.Errorf("TryWait panicked with %v, want the same PanicError", v)
	}
	if v := wgRecoverPanic(func() { _ = wg.WaitContext(context.Background()) }); v != pe {
		t.Errorf("WaitContext panicked with %v, want the same PanicError", v)
	}
	// Once reported, a new cycle starts clean.
	wg.Go(func() {})
	wg.Wait()
}

func TestWaitGroupFirstPanicWinsForAllWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var wg syncx.WaitGroup
		block := make(chan struct{})
		wg.Go(func() { panic("first") })
		synctest.Wait()
		wg.Go(func() { <-block; panic("second") })
		got := make(chan any, 2)
		for range 2 {
			go func() { got <- wgRecoverPanic(wg.Wait) }()
		}
		synctest.Wait()
		close(block)
		for range 2 {
			pe, ok := (<-got).(*syncx.PanicError)
			if !ok || pe.Value != "first" {
				t.Fatalf("waiter got %v, want the first panic", pe)
			}
		}
	})
}

// A panic is not dropped when the group is reused before anyone waited.
func TestWaitGroupPanicSurvivesReuseUntilReported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var wg syncx.WaitGroup
		wg.Go(func() { panic("lost?") })
		synctest.Wait()
		wg.Add(1) // a new cycle before any Wait
		wg.Done()
		if v := wgRecoverPanic(wg.Wait); v == nil {
			t.Fatal("the panic of the earlier cycle was dropped")
		}
	})
}

func TestWaitGroupGoexitDoesNotHang(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var wg syncx.WaitGroup
		wg.Go(runtime.Goexit)
		wg.Go(func() {})
		wg.Wait()
	})
}

func TestWaitGroupNegativeCounterPanics(t *testing.T) {
	var wg syncx.WaitGroup
	v := wgRecoverPanic(wg.Done)
	if v != "syncx: negative WaitGroup counter" {
		t.Fatalf("Done on zero panicked with %v", v)
	}
	wg.Add(1)
	if v := wgRecoverPanic(func() { wg.Add(-2) }); v != "syncx: negative WaitGroup counter" {
		t.Fatalf("Add(-2) on 1 panicked with %v", v)
	}
	if wg.TryWait() {
		t.Fatal("a rejected Add changed the counter")
	}
	wg.Done()
}

// Many WaitContext calls, some cancelled at random, while tasks finish: every
// wait ends either with nil at zero or with its ctx's error, and none is left
// behind.
func TestWaitGroupWaitContextStorm(t *testing.T) {
	var wg syncx.WaitGroup
	var waiters sync.WaitGroup
	for i := range 200 {
		wg.Go(func() { runtime.Gosched() })
		waiters.Go(func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if i%2 == 0 {
				go cancel()
			}
			err := wg.WaitContext(ctx)
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Error(err)
			}
		})
	}
	waiters.Wait()
	wg.Wait()
}
