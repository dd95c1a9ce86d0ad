package chans

import (
	"context"
	"github.com/concurkit/concur/internal/check"
	"sync"
)

// ParallelMap applies f to the values received from in on workers goroutines
// at once and returns their results in whatever order they finish: it is a
// fan-out to the workers followed by a fan-in of their results. At most
// workers results are in flight. The channel is closed once in is closed and
// every result has been delivered, or as soon as ctx ends.
//
// ParallelMap panics if f is nil. Use OrderedMap when the results must keep
// the input order.
func ParallelMap[T, R any](ctx context.Context, in <-chan T, workers int, f func(T) R) <-chan R {
	checkCtx("ParallelMap", ctx)
	workers = check.Workers(workers)
	checkNil("ParallelMap", f == nil, "function")
	return parallelMap(ctx, in, workers, func(v T) (R, bool) { return f(v), true }, goSpawn, nil)
}

// parallelMap is ParallelMap with a function that may fail: a worker whose f
// reports false exits (the failure has been recorded and the stage's context
// cancelled elsewhere). stop, if not nil, runs after every worker has exited.
func parallelMap[T, R any](ctx context.Context, in <-chan T, workers int, f func(T) (R, bool), spawn spawner, stop func()) <-chan R {
	out := make(chan R)
	var wg sync.WaitGroup
	wg.Add(workers)
	for range workers {
		spawn(func() {
			defer wg.Done()
			forward(ctx.Done(), in, out, f)
		})
	}
	// The closer is the only goroutine that may close out: the workers share it.
	spawn(func() {
		wg.Wait()
		if stop != nil {
			stop()
		}
		close(out)
	})
	return out
}
