package chans_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/chans"
)

// workers <= 0 means runtime.GOMAXPROCS(0), the rule of package pool: with a
// function that blocks, exactly that many calls run at once.
func TestWorkersDefaultIsGOMAXPROCS(t *testing.T) {
	want := int64(runtime.GOMAXPROCS(0))
	type mapper func(ctx context.Context, g *chans.Group, in <-chan int, workers int, f func(context.Context, int) (int, error)) <-chan int
	stages := map[string]mapper{
		"ParallelMap": func(ctx context.Context, _ *chans.Group, in <-chan int, w int, f func(context.Context, int) (int, error)) <-chan int {
			return chans.ParallelMap(ctx, in, w, func(v int) int { r, _ := f(ctx, v); return r })
		},
		"OrderedMap": func(ctx context.Context, _ *chans.Group, in <-chan int, w int, f func(context.Context, int) (int, error)) <-chan int {
			return chans.OrderedMap(ctx, in, w, func(v int) int { r, _ := f(ctx, v); return r })
		},
		"ParallelMapErr": func(ctx context.Context, g *chans.Group, in <-chan int, w int, f func(context.Context, int) (int, error)) <-chan int {
			return chans.ParallelMapErr(ctx, g, in, w, f)
		},
		"OrderedMapErr": func(ctx context.Context, g *chans.Group, in <-chan int, w int, f func(context.Context, int) (int, error)) <-chan int {
			return chans.OrderedMapErr(ctx, g, in, w, f)
		},
	}
	for name, stage := range stages {
		for _, workers := range []int{0, -1} {
			synctest.Test(t, func(t *testing.T) {
				g, ctx := chans.NewGroup(t.Context())
				var running atomic.Int64
				release := make(chan struct{})
				in := make(chan int)
				out := stage(ctx, g, in, workers, func(_ context.Context, v int) (int, error) {
					running.Add(1)
					<-release
					running.Add(-1)
					return v, nil
				})
				// One item at a time, so that OrderedMap deals each to the
				// next worker rather than batching them; one more than
				// GOMAXPROCS, which must wait.
				for i := range want {
					in <- int(i)
					synctest.Wait()
				}
				go func() {
					in <- int(want)
					close(in)
				}()
				synctest.Wait()
				if got := running.Load(); got != want {
					t.Errorf("%s(workers=%d): %d calls at once, want GOMAXPROCS = %d", name, workers, got, want)
				}
				close(release)
				if got := len(collect(out)); got != int(want+1) {
					t.Errorf("%s(workers=%d): %d results", name, workers, got)
				}
				if err := g.Wait(); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}
