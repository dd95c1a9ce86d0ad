package chans

import (
	"context"
	"iter"
)

// Generate returns a channel that yields values in order and then closes.
// If ctx ends first, the channel is closed early and the rest are not sent.
func Generate[T any](ctx context.Context, values ...T) <-chan T {
	checkCtx("Generate", ctx)
	out := make(chan T)
	go func() {
		defer close(out)
		done := ctx.Done()
		for _, v := range values {
			if !send(done, out, v) {
				return
			}
		}
	}()
	return out
}

// FromSeq returns a channel that yields the values of seq in order and then
// closes. If ctx ends first, FromSeq stops pulling from seq (its loop body
// returns false, so seq's own cleanup runs) and closes the channel.
func FromSeq[T any](ctx context.Context, seq iter.Seq[T]) <-chan T {
	checkCtx("FromSeq", ctx)
	checkNil("FromSeq", seq == nil, "sequence")
	out := make(chan T)
	go func() {
		defer close(out)
		done := ctx.Done()
		for v := range seq {
			if !send(done, out, v) {
				return
			}
		}
	}()
	return out
}

// Seq returns an iterator over the values received from in, for use with a
// range loop. The loop ends when in is closed or ctx ends: Seq looks at ctx
// before each receive, so a loop body that cancels ctx gets no further value,
// and a Seq whose ctx has already ended yields nothing, even from a channel
// that holds values. A value once received is always yielded. Seq starts no
// goroutine; breaking out of the loop simply stops reading, so the stages
// upstream stay blocked until ctx is cancelled (or in is drained): cancel the
// pipeline's context when you stop early.
func Seq[T any](ctx context.Context, in <-chan T) iter.Seq[T] {
	checkCtx("Seq", ctx)
	return func(yield func(T) bool) {
		done := ctx.Done()
		for {
			// recv looks at done first, so a loop body that cancelled ctx
			// sees the loop end at once. A value once received is yielded.
			v, ok := recv(done, in)
			if !ok || !yield(v) {
				return
			}
		}
	}
}

// Drain receives and discards values from in until in is closed. It runs in
// the caller's goroutine; use `go Drain(ch)` to release the senders of a
// channel whose values are no longer wanted without waiting for them.
func Drain[T any](in <-chan T) {
	for range in {
	}
}
