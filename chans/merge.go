package chans

import (
	"context"
	"sync"
)

// Merge returns a channel that yields every value received from any of ins
// (fan-in). Values from one input keep their order; values from different
// inputs interleave in no defined order. The channel is closed after every
// input is closed, or as soon as ctx ends. With no inputs it is closed at once.
func Merge[T any](ctx context.Context, ins ...<-chan T) <-chan T {
	checkCtx("Merge", ctx)
	out := make(chan T)
	var wg sync.WaitGroup
	wg.Add(len(ins))
	for _, in := range ins {
		go func() {
			defer wg.Done()
			done := ctx.Done()
			for {
				v, ok := recv(done, in)
				if !ok || !send(done, out, v) {
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}
