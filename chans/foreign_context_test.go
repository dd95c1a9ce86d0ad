package chans_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/concurkit/concur/chans"
)

// foreignCtx is a Context that the context package does not know: a context
// derived from it learns that it ended from a goroutine that the context
// package starts to watch it, some time after it ended.
type foreignCtx struct {
	context.Context
	once sync.Once
	done chan struct{}
}

func newForeignCtx() *foreignCtx {
	return &foreignCtx{Context: context.Background(), done: make(chan struct{})}
}

func (c *foreignCtx) Done() <-chan struct{} { return c.done }

func (c *foreignCtx) Err() error {
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

func (c *foreignCtx) cancel() { c.once.Do(func() { close(c.done) }) }

// A Group stage follows the cancellation rule for the context it was given
// even when that context is not one of the context package's own: once its
// function has seen the context end, the stage delivers nothing and takes
// nothing more, although the stage's own context (derived from it) hears of
// the end only later.
func TestGroupStageForeignContext(t *testing.T) {
	stages := map[string]func(ctx context.Context, g *chans.Group, in <-chan int, f func(context.Context, int) (int, error)) <-chan int{
		"MapErr": func(ctx context.Context, g *chans.Group, in <-chan int, f func(context.Context, int) (int, error)) <-chan int {
			return chans.MapErr(ctx, g, in, f)
		},
		"ParallelMapErr": func(ctx context.Context, g *chans.Group, in <-chan int, f func(context.Context, int) (int, error)) <-chan int {
			return chans.ParallelMapErr(ctx, g, in, 1, f)
		},
		"OrderedMapErr": func(ctx context.Context, g *chans.Group, in <-chan int, f func(context.Context, int) (int, error)) <-chan int {
			return chans.OrderedMapErr(ctx, g, in, 1, f)
		},
	}
	for name, stage := range stages {
		for range 50 {
			ctx := newForeignCtx()
			in := make(chan int, 100)
			for i := range cap(in) {
				in <- i
			}
			close(in)
			g, _ := chans.NewGroup(context.Background())
			var calls atomic.Int64
			out := stage(ctx, g, in, func(_ context.Context, v int) (int, error) {
				if calls.Add(1) == 1 {
					ctx.cancel()
				}
				return v, nil
			})
			delivered := 0
			for range out {
				delivered++
			}
			if err := g.Wait(); err != nil {
				t.Fatalf("%s: Wait = %v", name, err)
			}
			if calls.Load() != 1 || delivered != 0 {
				t.Errorf("%s: %d calls of f and %d results delivered after f ended the context; want 1 and 0", name, calls.Load(), delivered)
				break
			}
		}
	}
}
