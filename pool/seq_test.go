package pool_test

import (
	"context"
	"errors"
	"iter"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/pool"
	"github.com/concurkit/concur/syncx"
)

// count yields 0, 1, ... n-1 and records how far it got and whether it was
// left (its deferred cleanup ran).
type count struct {
	n      int
	pulled atomic.Int64
	closed atomic.Bool
}

func (c *count) seq() iter.Seq[int] {
	return func(yield func(int) bool) {
		defer c.closed.Store(true)
		for i := range c.n {
			c.pulled.Add(1)
			if !yield(i) {
				return
			}
		}
	}
}

func TestMapSeqOrder(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 1000, 50_000} {
		for _, limit := range []int{1, 4, 0} {
			c := &count{n: n}
			got, err := pool.MapSeq(context.Background(), c.seq(), limit, func(_ context.Context, v int) (int, error) {
				if v%101 == 0 {
					runtime.Gosched()
				}
				return v * 2, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("n=%d limit=%d: %d results", n, limit, len(got))
			}
			for i, v := range got {
				if v != 2*i {
					t.Fatalf("n=%d limit=%d: result %d = %d, want %d", n, limit, i, v, 2*i)
				}
			}
			if !c.closed.Load() {
				t.Fatalf("n=%d: the sequence was not finished", n)
			}
		}
	}
}

func TestForEachSeqLimitAndLazyWorkers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// A short sequence under a large limit starts no more than one
		// goroutine beyond its values.
		base := runtime.NumGoroutine()
		hold := make(chan struct{})
		done := make(chan error)
		go func() {
			done <- pool.ForEachSeq(context.Background(), slices.Values(ints(3)), 1000, func(context.Context, int) error {
				<-hold
				return nil
			})
		}()
		synctest.Wait()
		// The caller, 3 busy workers, one more that found no value left (it
		// may have exited already), and the goroutine iter.Pull runs seq on.
		if n := runtime.NumGoroutine() - base; n > 1+3+1+1 {
			t.Errorf("%d goroutines for 3 values", n)
		}
		close(hold)
		if err := <-done; err != nil {
			t.Fatal(err)
		}

		// The limit holds.
		checkLimitHolds(t, 3, func(limit int, f func(context.Context, int) error) error {
			return pool.ForEachSeq(context.Background(), slices.Values(ints(50)), limit, f)
		})
	})
}

// After the first error no more values are pulled and the sequence is left
// (its yield returns false) before ForEachSeq returns.
func TestForEachSeqErrorStopsPulling(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const limit = 2
		c := &count{n: 1_000_000}
		var started atomic.Int64
		err := pool.ForEachSeq(context.Background(), c.seq(), limit, func(ctx context.Context, v int) error {
			started.Add(1)
			if v == 1 {
				return errTask
			}
			<-ctx.Done()
			return nil
		})
		if err != errTask {
			t.Errorf("err = %v, want %v", err, errTask)
		}
		// Value 0 may be pulled and then skipped, because the error of value
		// 1 stopped the run before its worker started it.
		if n := started.Load(); n < 1 || n > limit {
			t.Errorf("%d values started, want 1 to %d", n, limit)
		}
		if n := c.pulled.Load(); n > limit+1 {
			t.Errorf("%d values pulled, want at most %d", n, limit+1)
		}
		if !c.closed.Load() {
			t.Error("the sequence was not left before ForEachSeq returned")
		}
	})
}

func TestMapSeqCancelMidway(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		c := &count{n: 100}
		done := make(chan struct{})
		var res []int
		var err error
		go func() {
			defer close(done)
			res, err = pool.MapSeq(ctx, c.seq(), 4, func(ctx context.Context, v int) (int, error) {
				<-ctx.Done()
				return v + 1, nil
			})
		}()
		synctest.Wait()
		cancel()
		synctest.Wait()
		select {
		case <-done:
		default:
			t.Fatal("MapSeq did not return once its running calls had returned")
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		// One result per value pulled; those that ran hold f's result.
		ran := 0
		for i, v := range res {
			if v != 0 && v != i+1 {
				t.Errorf("result %d = %d", i, v)
			}
			if v != 0 {
				ran++
			}
		}
		if ran != 4 || len(res) > 5 {
			t.Errorf("%d results, %d ran: want 4 ran of at most 5 pulled", len(res), ran)
		}
	})
}

// A panic in the sequence itself reaches the caller, after the workers are
// done.
func TestForEachSeqPanicInSeq(t *testing.T) {
	seq := func(yield func(int) bool) {
		for i := range 10 {
			if i == 5 {
				panicInTask(errTask)
			}
			if !yield(i) {
				return
			}
		}
	}
	var running atomic.Int64
	v := catch(func() {
		_ = pool.ForEachSeq(context.Background(), seq, 2, func(ctx context.Context, _ int) error {
			running.Add(1)
			defer running.Add(-1)
			return nil
		})
	})
	pe, ok := v.(*syncx.PanicError)
	if !ok || !errors.Is(pe, errTask) {
		t.Fatalf("panicked with %#v, want a *syncx.PanicError of the sequence's panic", v)
	}
	if running.Load() != 0 {
		t.Error("calls still running when the panic was re-raised")
	}
}
