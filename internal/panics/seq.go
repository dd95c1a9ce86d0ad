package panics

import "iter"

// Seq returns seq with its panics captured inside it: a panic while seq
// produces a value, or in the cleanup it runs when its yield returns false,
// is captured with seq's own frames and raised again with Forward. Pulled
// with iter.Pull, seq runs on a coroutine whose stack is gone by the time the
// panic reaches the puller; the capture keeps it.
func Seq[T any](seq iter.Seq[T]) iter.Seq[T] {
	return func(yield func(T) bool) {
		defer func() {
			// nil for runtime.Goexit, which iter.Pull passes on by itself.
			if v := recover(); v != nil {
				Forward(Capture(v))
			}
		}()
		seq(yield)
	}
}
