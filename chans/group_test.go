package chans_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/chans"
	"github.com/concurkit/concur/syncx"
)

var errBad = errors.New("bad item")

// failFrom returns a stage function that fails on every item >= k.
func failFrom(k int) func(context.Context, int) (int, error) {
	return func(_ context.Context, v int) (int, error) {
		if v >= k {
			return 0, fmt.Errorf("item %d: %w", v, errBad)
		}
		return v, nil
	}
}

// Many items fail, in several stages at once; the group reports exactly one
// error, the same from Err, Wait and the context's cause, and every stage stops.
func TestGroupFirstErrorReportedOnce(t *testing.T) {
	for name, stage := range map[string]func(context.Context, *chans.Group, <-chan int) <-chan int{
		"MapErr": func(ctx context.Context, g *chans.Group, in <-chan int) <-chan int {
			return chans.MapErr(ctx, g, in, failFrom(500))
		},
		"ParallelMapErr": func(ctx context.Context, g *chans.Group, in <-chan int) <-chan int {
			return chans.ParallelMapErr(ctx, g, in, 4, failFrom(500))
		},
		"OrderedMapErr": func(ctx context.Context, g *chans.Group, in <-chan int) <-chan int {
			return chans.OrderedMapErr(ctx, g, in, 4, failFrom(500))
		},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g, ctx := chans.NewGroup(t.Context())
				src := endless(ctx) // only the group's cancellation can stop it
				out := stage(ctx, g, chans.MapErr(ctx, g, src, failFrom(700)))
				got := collect(out)
				err := g.Wait()
				if !errors.Is(err, errBad) {
					t.Fatalf("Wait = %v, want a bad item", err)
				}
				if g.Err() != err || context.Cause(ctx) != err {
					t.Errorf("Err = %v, Cause = %v, want both %v", g.Err(), context.Cause(ctx), err)
				}
				for _, v := range got {
					if v >= 500 {
						t.Fatalf("failed item %d was delivered", v)
					}
				}
				if name == "OrderedMapErr" && !slices.Equal(got, ints(len(got))) {
					t.Errorf("OrderedMapErr output is not a prefix of the input: %v", got)
				}
			})
		})
	}
}

// A stage given a context that is not the group's still stops when another
// stage of the group fails.
func TestGroupStopsStagesOnForeignContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		plain, cancel := context.WithCancel(t.Context())
		defer cancel()
		g, gctx := chans.NewGroup(t.Context())
		a := chans.MapErr(plain, g, endless(plain), idErr)    // knows nothing of gctx
		b := chans.OrderedMapErr(gctx, g, a, 2, failFrom(10)) // fails at 10
		collect(b)
		synctest.Wait()
		requireClosed(t, "MapErr on a foreign context", a)
		if err := g.Wait(); !errors.Is(err, errBad) {
			t.Fatalf("Wait = %v", err)
		}
	})
}

// Go runs a sink as part of the group: its error cancels the stages upstream.
func TestGroupGoSinkError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, ctx := chans.NewGroup(t.Context())
		out := chans.ParallelMapErr(ctx, g, endless(ctx), 2, idErr)
		errFull := errors.New("sink full")
		g.Go(func() error {
			for v := range chans.Seq(ctx, out) {
				if v == 20 {
					return errFull
				}
			}
			return nil
		})
		if err := g.Wait(); err != errFull {
			t.Fatalf("Wait = %v, want %v", err, errFull)
		}
	})
}

// On success Wait returns nil and still cancels the group's context.
func TestGroupSuccessCancelsContext(t *testing.T) {
	g, ctx := chans.NewGroup(t.Context())
	got := collect(chans.OrderedMapErr(ctx, g, chans.Generate(ctx, ints(100)...), 3, idErr))
	if err := g.Wait(); err != nil || !slices.Equal(got, ints(100)) {
		t.Fatalf("Wait = %v, got %d values", err, len(got))
	}
	if ctx.Err() == nil {
		t.Fatal("Wait left the group's context running")
	}
	if context.Cause(ctx) != context.Canceled {
		t.Fatalf("cause = %v, want context.Canceled", context.Cause(ctx))
	}
}

// A stage that panics cancels the group, so the pipeline does not hang, and
// Wait re-raises the panic with the stack of the stage.
func TestGroupStagePanic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, ctx := chans.NewGroup(t.Context())
		out := chans.ParallelMapErr(ctx, g, endless(ctx), 3, func(_ context.Context, v int) (int, error) {
			if v == 42 {
				panic("boom")
			}
			return v, nil
		})
		collect(out) // ends because the panic cancelled the group
		defer func() {
			pe, ok := recover().(*syncx.PanicError)
			if !ok || pe.Value != "boom" {
				t.Fatalf("Wait re-raised %v, want a *syncx.PanicError of boom", pe)
			}
		}()
		g.Wait()
		t.Fatal("Wait returned after a stage panicked")
	})
}
