package chans

import "context"

// Map returns a channel of f applied to each value received from in, in
// input order, computed by a single goroutine. The channel is closed after in
// is closed, or as soon as ctx ends.
func Map[T, R any](ctx context.Context, in <-chan T, f func(T) R) <-chan R {
	checkCtx("Map", ctx)
	checkNil("Map", f == nil, "function")
	return mapStage(ctx, in, func(v T) (R, bool) { return f(v), true }, goSpawn, nil)
}

// mapStage is Map with a function that may fail: when f reports false the
// stage stops (its failure has been recorded elsewhere). stop, if not nil, is
// called once the stage's goroutine has exited.
func mapStage[T, R any](ctx context.Context, in <-chan T, f func(T) (R, bool), spawn spawner, stop func()) <-chan R {
	out := make(chan R)
	spawn(func() {
		defer close(out)
		if stop != nil {
			defer stop()
		}
		forward(ctx.Done(), in, out, f)
	})
	return out
}

// Filter returns a channel of the values received from in for which keep
// returns true, in input order. The channel is closed after in is closed, or
// as soon as ctx ends.
func Filter[T any](ctx context.Context, in <-chan T, keep func(T) bool) <-chan T {
	checkCtx("Filter", ctx)
	checkNil("Filter", keep == nil, "function")
	out := make(chan T)
	go func() {
		defer close(out)
		done := ctx.Done()
		for {
			v, ok := recv(done, in)
			if !ok {
				return
			}
			if keep(v) && !send(done, out, v) {
				return
			}
		}
	}()
	return out
}
