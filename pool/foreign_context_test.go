package pool_test

import (
	"context"
	"iter"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/concurkit/concur/pool"
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

// Once the caller's context has ended, no item starts and no value is
// pulled, even when that context is not one of the context package's own
// (whose end reaches a derived context only later, through a goroutine).
func TestForeignContextEndStopsAtOnce(t *testing.T) {
	seq := func(pulled *atomic.Int64) iter.Seq[int] {
		return func(yield func(int) bool) {
			for i := 0; ; i++ {
				pulled.Add(1)
				if !yield(i) {
					return
				}
			}
		}
	}
	for name, call := range map[string]func(ctx *foreignCtx, calls, pulled *atomic.Int64) error{
		"ForEach": func(ctx *foreignCtx, calls, _ *atomic.Int64) error {
			return pool.ForEach(ctx, make([]int, 1000), 1, func(context.Context, int) error {
				if calls.Add(1) == 1 {
					ctx.cancel()
				}
				return nil
			})
		},
		"ForEachSeq": func(ctx *foreignCtx, calls, pulled *atomic.Int64) error {
			return pool.ForEachSeq(ctx, seq(pulled), 1, func(context.Context, int) error {
				if calls.Add(1) == 1 {
					ctx.cancel()
				}
				return nil
			})
		},
	} {
		for range 100 {
			ctx := newForeignCtx()
			var calls, pulled atomic.Int64
			err := call(ctx, &calls, &pulled)
			if calls.Load() != 1 || pulled.Load() > 1 || err != context.Canceled {
				t.Errorf("%s: %d calls of f and %d values pulled after the context ended in the first call, err %v; want 1, at most 1 and context.Canceled",
					name, calls.Load(), pulled.Load(), err)
				break
			}
		}
	}
}
