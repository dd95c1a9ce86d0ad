package pool

import (
	"context"
	"sync/atomic"

	"github.com/concurkit/concur/internal/check"
)

// ForEach calls f for every item, on at most workers goroutines at once, and
// returns when every call has returned. With workers 1 the items run one after
// another in order; otherwise the order in which they start is unspecified.
//
// The context passed to f is derived from ctx. The first error returned by f
// cancels it, with that error as its cause (context.Cause), and no new item
// starts after that: at most workers calls were in flight, and ForEach returns as
// soon as they have returned. The same happens when ctx ends. ForEach returns
// every error f returned, in item order, joined with errors.Join (the error
// itself when there is only one); if ctx ended before every item had started,
// context.Cause(ctx) is among them. It returns nil when all calls succeeded.
//
// If f panics, no new item starts, the derived context is cancelled, and once
// the running calls have returned ForEach panics in the caller's goroutine
// with a *syncx.PanicError holding the first panic value and the stack of the
// call that raised it. If f calls runtime.Goexit, ForEach likewise stops and
// then calls runtime.Goexit itself, as if f had been called in the caller's
// goroutine.
//
// ForEach panics with a message starting "pool: " if f or ctx is nil.
func ForEach[T any](ctx context.Context, items []T, workers int, f func(context.Context, T) error) error {
	checkNil("ForEach", f == nil, "function")
	return run(ctx, "ForEach", len(items), workers, func(ctx context.Context, i int) error {
		return f(ctx, items[i])
	})
}

// Map calls f for every item, as ForEach does, and returns the results in the
// order of items: result i is what f returned for items[i]. The workers, the
// cancellation, the errors and panics are those of ForEach.
//
// The slice is returned even when the error is not nil: an item whose call
// failed holds what f returned with the error, and an item that never started
// holds the zero value of R.
//
// Map panics with a message starting "pool: " if f or ctx is nil.
func Map[T, R any](ctx context.Context, items []T, workers int, f func(context.Context, T) (R, error)) ([]R, error) {
	checkNil("Map", f == nil, "function")
	results := make([]R, len(items))
	err := run(ctx, "Map", len(items), workers, func(ctx context.Context, i int) error {
		r, err := f(ctx, items[i])
		results[i] = r
		return err
	})
	return results, err
}

// maxChunk bounds how many consecutive items a worker claims at once.
const maxChunk = 256

// run calls body for the indexes 0 to n-1 on at most workers goroutines.
//
// Workers claim consecutive indexes from a shared counter in chunks that
// shrink as the work runs out (guided self-scheduling): big chunks spare the
// counter's cache line and keep neighbouring results on one core, and chunks
// of one at the end keep the workers busy until the last item. A claimed
// index still checks the context before it starts, so claiming ahead never
// lets more than workers items run after a stop.
func run(ctx context.Context, op string, n, workers int, body func(context.Context, int) error) error {
	g := newGroup(ctx, op)
	defer g.cancel(nil)
	if n == 0 {
		return nil
	}
	workers = min(check.Workers(workers), n)
	var next atomic.Int64
	g.wg.Add(workers)
	for range workers {
		go g.sliceWorker(&next, n, workers, body)
	}
	g.wg.Wait()
	// The workers are done: g's fields are no longer shared.
	return g.finish(g.started.Load() == int64(n))
}

func (g *group) sliceWorker(next *atomic.Int64, n, workers int, body func(context.Context, int) error) {
	started := 0
	normal := false
	defer func() { g.exit(started, normal, recover()) }()
	for {
		lo, hi := claim(next, n, workers)
		if lo >= hi {
			break
		}
		for i := lo; i < hi; i++ {
			if g.stopped() {
				normal = true
				return
			}
			started++
			if err := body(g.ctx, i); err != nil {
				g.fail(i, err)
			}
		}
	}
	normal = true
}

// claim takes the next chunk of indexes [lo, hi) from next.
func claim(next *atomic.Int64, n, workers int) (lo, hi int) {
	for {
		cur := next.Load()
		if cur >= int64(n) {
			return n, n
		}
		size := (int64(n) - cur) / int64(4*workers)
		size = max(1, min(size, maxChunk))
		if next.CompareAndSwap(cur, cur+size) {
			return int(cur), int(cur + size)
		}
	}
}
