package chans

import (
	"context"

	"github.com/concurkit/concur/internal/check"
)

// Take returns a channel that yields the first n values received from in and
// then closes. It reads nothing more from in, so the stages upstream stay
// blocked until ctx is cancelled or in is drained: cancel the pipeline's
// context once you have what you need. Take with n == 0 returns a closed
// channel and never reads in. The channel is also closed as soon as ctx ends.
//
// Take panics if n < 0.
func Take[T any](ctx context.Context, in <-chan T, n int) <-chan T {
	checkCtx("Take", ctx)
	if n < 0 {
		check.Misuse("chans", "Take", "with n < 0")
	}
	out := make(chan T)
	if n == 0 {
		close(out)
		return out
	}
	go func() {
		defer close(out)
		done := ctx.Done()
		for range n {
			v, ok := recv(done, in)
			if !ok || !send(done, out, v) {
				return
			}
		}
	}()
	return out
}

// TakeWhile returns a channel that yields the values received from in as long
// as ok returns true for them, and closes at the first value for which ok
// returns false (that value is consumed and discarded). Like Take, it then
// stops reading in: cancel the pipeline's context to release the stages
// upstream. The channel is also closed after in is closed or as soon as ctx
// ends.
//
// TakeWhile panics if ok is nil.
func TakeWhile[T any](ctx context.Context, in <-chan T, ok func(T) bool) <-chan T {
	checkCtx("TakeWhile", ctx)
	checkNil("TakeWhile", ok == nil, "function")
	out := make(chan T)
	go func() {
		defer close(out)
		done := ctx.Done()
		for {
			v, more := recv(done, in)
			if !more || !ok(v) || !send(done, out, v) {
				return
			}
		}
	}()
	return out
}
