package chans_test

import (
	"context"
	"runtime"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/chans"
)

// runtime.Goexit in a stage (t.FailNow in a test, for instance) is not a
// panic: the group stops as on a failure, and Wait, once every stage has
// stopped, calls runtime.Goexit in its own goroutine, as if the stage function
// had run there. Wait neither returns nor panics.
func TestGroupStageGoexit(t *testing.T) {
	stages := map[string]func(g *chans.Group, ctx context.Context, f func(context.Context, int) (int, error)){
		"MapErr": func(g *chans.Group, ctx context.Context, f func(context.Context, int) (int, error)) {
			chans.Drain(chans.MapErr(ctx, g, endless(ctx), f))
		},
		"ParallelMapErr": func(g *chans.Group, ctx context.Context, f func(context.Context, int) (int, error)) {
			chans.Drain(chans.ParallelMapErr(ctx, g, endless(ctx), 3, f))
		},
		"OrderedMapErr": func(g *chans.Group, ctx context.Context, f func(context.Context, int) (int, error)) {
			chans.Drain(chans.OrderedMapErr(ctx, g, endless(ctx), 3, f))
		},
		"Go": func(g *chans.Group, ctx context.Context, f func(context.Context, int) (int, error)) {
			g.Go(func() error { _, err := f(ctx, 42); return err })
		},
	}
	for name, stage := range stages {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var outcome string
				var cause error
				exited := make(chan struct{})
				go func() {
					defer close(exited)
					outcome = "Goexit"
					defer func() {
						if v := recover(); v != nil {
							outcome = "panic"
						}
					}()
					g, ctx := chans.NewGroup(context.Background())
					stage(g, ctx, func(_ context.Context, v int) (int, error) {
						if v == 42 {
							runtime.Goexit()
						}
						return v, nil
					})
					err := g.Wait()
					cause = context.Cause(ctx)
					outcome = "return " + errString(err)
				}()
				<-exited
				if outcome != "Goexit" {
					t.Fatalf("Wait ended by %s (cause %v), want runtime.Goexit", outcome, cause)
				}
			})
		})
	}
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}
