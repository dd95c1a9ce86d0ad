package chans

import (
	"context"

	"github.com/concurkit/concur/internal/check"
)

// FanOut returns n channels that share the values received from in: each
// value goes to exactly one of them, to whichever output's forwarding
// goroutine is free to take it. A value already taken for an output waits for
// that output's consumer, so a stalled consumer withholds at most one value
// while the others keep receiving. Use FanOut to spread work over consumers
// that each need their own channel; ParallelMap does the same for a function.
//
// Every output is closed after in is closed, or as soon as ctx ends. FanOut
// panics if n < 1.
func FanOut[T any](ctx context.Context, in <-chan T, n int) []<-chan T {
	checkCtx("FanOut", ctx)
	if n < 1 {
		check.Misuse("chans", "FanOut", "with n < 1")
	}
	outs := make([]<-chan T, n)
	for i := range outs {
		out := make(chan T)
		outs[i] = out
		go func() {
			defer close(out)
			done := ctx.Done()
			for {
				v, ok := recv(done, in)
				if !ok || !send(done, out, v) {
					return
				}
			}
		}()
	}
	return outs
}
