package pool_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/pool"
	"github.com/concurkit/concur/syncx"
)

func ints(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestMapOrder(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000, 100_000} {
		for _, limit := range []int{1, 3, 0} {
			got, err := pool.Map(context.Background(), ints(n), limit, func(_ context.Context, v int) (string, error) {
				if v%97 == 0 {
					runtime.Gosched()
				}
				return fmt.Sprint(v * v), nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("n=%d: %d results", n, len(got))
			}
			for i, s := range got {
				if s != fmt.Sprint(i*i) {
					t.Fatalf("n=%d limit=%d: result %d = %s, want %d", n, limit, i, s, i*i)
				}
			}
		}
	}
}

func TestForEachEveryItemOnce(t *testing.T) {
	const n = 10_000
	seen := make([]atomic.Int32, n)
	err := pool.ForEach(context.Background(), ints(n), 4, func(_ context.Context, v int) error {
		seen[v].Add(1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range seen {
		if c := seen[i].Load(); c != 1 {
			t.Fatalf("item %d ran %d times", i, c)
		}
	}
}

func TestForEachLimitHolds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		checkLimitHolds(t, 3, func(limit int, f func(context.Context, int) error) error {
			return pool.ForEach(context.Background(), ints(20), limit, f)
		})
	})
	var g gauge
	_, _ = pool.Map(context.Background(), ints(5000), 5, func(context.Context, int) (int, error) {
		g.enter()
		runtime.Gosched()
		g.leave()
		return 0, nil
	})
	if g.max.Load() > 5 {
		t.Fatalf("%d calls ran at once with limit 5", g.max.Load())
	}
}

// After the first error no new item starts, the context of the running calls
// is cancelled with the error as its cause, and ForEach returns as soon as
// they have returned.
func TestForEachFirstErrorStops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const limit = 3
		var started atomic.Int64
		var causes atomic.Int64
		allIn := make(chan struct{})
		begin := time.Now()
		err := pool.ForEach(context.Background(), ints(1000), limit, func(ctx context.Context, v int) error {
			if started.Add(1) == limit {
				close(allIn)
			}
			if v == 0 {
				<-allIn // fail once limit calls are in flight
				return errTask
			}
			<-ctx.Done()
			if context.Cause(ctx) == errTask {
				causes.Add(1)
			}
			return ctx.Err()
		})
		if d := time.Since(begin); d != 0 {
			t.Errorf("ForEach took %v of fake time to return", d)
		}
		if n := started.Load(); n != limit {
			t.Errorf("%d items started, want %d", n, limit)
		}
		if causes.Load() != started.Load()-1 {
			t.Errorf("%d of %d cancelled calls saw the first error as the cause", causes.Load(), started.Load()-1)
		}
		if !errors.Is(err, errTask) || !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want the task error and the cancelled calls' errors", err)
		}
	})
}

// Errors of calls that were in flight together are all returned, in item
// order.
func TestMapJoinsErrorsInOrder(t *testing.T) {
	const limit = 4
	errs := make([]error, limit)
	for i := range errs {
		errs[i] = fmt.Errorf("item %d", i)
	}
	barrier := syncx.NewBarrier(limit, nil)
	res, err := pool.Map(context.Background(), ints(limit), limit, func(ctx context.Context, v int) (int, error) {
		if _, err := barrier.Await(context.Background()); err != nil {
			return 0, err
		}
		return v * 10, errs[v]
	})
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("err = %#v, want errors joined", err)
	}
	if !slices.Equal(j.Unwrap(), errs) {
		t.Fatalf("errors = %v, want %v in item order", j.Unwrap(), errs)
	}
	if !slices.Equal(res, []int{0, 10, 20, 30}) {
		t.Fatalf("results = %v: what f returned along with its error is kept", res)
	}
}

func TestMapSingleErrorIsReturnedAsIs(t *testing.T) {
	_, err := pool.Map(context.Background(), ints(10), 1, func(_ context.Context, v int) (int, error) {
		if v == 4 {
			return 0, errTask
		}
		return v, nil
	})
	if err != errTask {
		t.Fatalf("err = %v, want errTask itself", err)
	}
}

func TestForEachCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var started atomic.Int64
	err := pool.ForEach(ctx, ints(100), 4, func(context.Context, int) error {
		started.Add(1)
		return nil
	})
	if started.Load() != 0 {
		t.Errorf("%d items started under a cancelled context", started.Load())
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// A context cancelled mid-way: the running calls see it, no new one starts,
// ForEach returns at once with the cause, even if f ignores errors.
func TestForEachCancelMidway(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cause := errors.New("shutting down")
		ctx, cancel := context.WithCancelCause(context.Background())
		const limit = 4
		var started atomic.Int64
		done := make(chan error)
		go func() {
			_, err := pool.Map(ctx, ints(100), limit, func(ctx context.Context, v int) (int, error) {
				started.Add(1)
				<-ctx.Done()
				return v, nil
			})
			done <- err
		}()
		synctest.Wait()
		cancel(cause)
		synctest.Wait()
		select {
		case err := <-done:
			if err != cause {
				t.Errorf("err = %v, want the context's cause", err)
			}
		default:
			t.Fatal("Map did not return once its running calls had returned")
		}
		if n := started.Load(); n != limit {
			t.Errorf("%d items started, want %d", n, limit)
		}
	})
}

// If every item started before ctx ended, the call succeeded: no error.
func TestForEachCancelAfterAllStarted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	barrier := syncx.NewBarrier(3, cancel)
	err := pool.ForEach(ctx, ints(3), 3, func(context.Context, int) error {
		_, err := barrier.Await(context.Background())
		return err
	})
	if err != nil {
		t.Fatalf("err = %v, want nil", err)
	}
}

func TestForEachPanic(t *testing.T) {
	for _, run := range []struct {
		name string
		call func(f func(context.Context, int) error)
	}{
		{"ForEach", func(f func(context.Context, int) error) {
			_ = pool.ForEach(context.Background(), ints(1000), 3, f)
		}},
		{"Map", func(f func(context.Context, int) error) {
			_, _ = pool.Map(context.Background(), ints(1000), 3, func(ctx context.Context, v int) (int, error) { return v, f(ctx, v) })
		}},
		{"ForEachSeq", func(f func(context.Context, int) error) {
			_ = pool.ForEachSeq(context.Background(), slices.Values(ints(1000)), 3, f)
		}},
		{"MapSeq", func(f func(context.Context, int) error) {
			_, _ = pool.MapSeq(context.Background(), slices.Values(ints(1000)), 3, func(ctx context.Context, v int) (int, error) { return v, f(ctx, v) })
		}},
	} {
		t.Run(run.name, func(t *testing.T) {
			var started, running atomic.Int64
			v := catch(func() {
				run.call(func(ctx context.Context, v int) error {
					started.Add(1)
					running.Add(1)
					defer running.Add(-1)
					if v == 0 {
						panicInTask(errTask)
					}
					<-ctx.Done() // the others end only when cancelled
					return ctx.Err()
				})
			})
			pe, ok := v.(*syncx.PanicError)
			if !ok {
				t.Fatalf("panicked with %#v, want a *syncx.PanicError", v)
			}
			if pe.Value != errTask || !errors.Is(pe, errTask) {
				t.Errorf("Value = %v, want the original %v", pe.Value, errTask)
			}
			if !bytes.Contains(pe.Stack, []byte("panicInTask")) {
				t.Errorf("stack does not show the panicking call:\n%s", pe.Stack)
			}
			if n := running.Load(); n != 0 {
				t.Errorf("%d calls still running when the panic was re-raised", n)
			}
			if n := started.Load(); n > 3 {
				t.Errorf("%d items started, want at most the limit 3", n)
			}
		})
	}
}

// runtime.Goexit in f stops the call and is repeated in the caller, as if f
// had run there; it never hangs.
func TestForEachGoexit(t *testing.T) {
	for _, seq := range []bool{false, true} {
		var started atomic.Int64
		after := make(chan bool, 1)
		exited := make(chan struct{})
		go func() {
			defer close(exited)
			f := func(ctx context.Context, v int) error {
				started.Add(1)
				if v == 0 {
					runtime.Goexit()
				}
				<-ctx.Done()
				return nil
			}
			if seq {
				_ = pool.ForEachSeq(context.Background(), slices.Values(ints(100)), 2, f)
			} else {
				_ = pool.ForEach(context.Background(), ints(100), 2, f)
			}
			after <- true
		}()
		<-exited
		select {
		case <-after:
			t.Errorf("seq=%v: the caller went on after f called runtime.Goexit", seq)
		default:
		}
		if n := started.Load(); n > 2 {
			t.Errorf("seq=%v: %d items started, want at most 2", seq, n)
		}
	}
}

func TestForEachMisuse(t *testing.T) {
	ctx := context.Background()
	wantPoolPanic(t, catch(func() { _ = pool.ForEach[int](ctx, nil, 1, nil) }))
	wantPoolPanic(t, catch(func() { _, _ = pool.Map[int, int](ctx, nil, 1, nil) }))
	wantPoolPanic(t, catch(func() { _ = pool.ForEachSeq[int](ctx, nil, 1, func(context.Context, int) error { return nil }) }))
	wantPoolPanic(t, catch(func() { _ = pool.ForEachSeq(ctx, slices.Values([]int{1}), 1, nil) }))
	wantPoolPanic(t, catch(func() {
		_, _ = pool.MapSeq[int, int](ctx, nil, 1, func(context.Context, int) (int, error) { return 0, nil })
	}))
	wantPoolPanic(t, catch(func() { _, _ = pool.MapSeq[int, int](ctx, slices.Values([]int{1}), 1, nil) }))
	var nilCtx context.Context
	wantPoolPanic(t, catch(func() { _ = pool.ForEach(nilCtx, []int{1}, 1, func(context.Context, int) error { return nil }) }))
}

// checkLimitHolds runs forEach with a function that blocks until released,
// inside a synctest bubble, and checks that exactly limit calls run at once.
func checkLimitHolds(t *testing.T, limit int, forEach func(limit int, f func(context.Context, int) error) error) {
	t.Helper()
	var g gauge
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- forEach(limit, func(context.Context, int) error {
			g.enter()
			<-release
			g.leave()
			return nil
		})
	}()
	synctest.Wait()
	if n := g.cur.Load(); n != int64(limit) {
		t.Fatalf("%d calls running, want %d", n, limit)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := g.max.Load(); n != int64(limit) {
		t.Fatalf("max running = %d, want %d", n, limit)
	}
}
