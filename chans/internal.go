package chans

import (
	"context"

	"github.com/concurkit/concur/internal/check"
)

// send delivers v on out unless ctx ends first; it reports whether v was sent.
// Every blocking send in the package goes through send (or laneSend), so that
// no goroutine outlives a cancelled context just because nobody reads.
//
// send looks at done before it offers v: a select picks at random among the
// cases that are ready, so a bare select would deliver v about half the time
// when ctx had already ended and the consumer was waiting. Once a goroutine
// has seen ctx end it delivers nothing more; only a send under way when ctx
// ends may still complete.
func send[T any](done <-chan struct{}, out chan<- T, v T) bool {
	if ended(done) {
		return false
	}
	select {
	case out <- v:
		return true
	case <-done:
		return false
	}
}

// recv receives from in unless ctx ends first; ok is false when in is closed
// or ctx has ended. Like send, it looks at done first, so that a goroutine that
// has seen ctx end takes no value from in that it would then drop.
func recv[T any](done <-chan struct{}, in <-chan T) (v T, ok bool) {
	if ended(done) {
		return v, false
	}
	select {
	case v, ok = <-in:
		return v, ok
	case <-done:
		return v, false
	}
}

// ended reports whether done is closed, without waiting and without a lock.
func ended(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// forward is the loop of every mapping stage: it receives from in, applies f
// and sends the result to out, until in is closed, done is closed or f reports
// false.
func forward[T, R any](done <-chan struct{}, in <-chan T, out chan<- R, f func(T) (R, bool)) {
	for {
		v, ok := recv(done, in)
		if !ok {
			return
		}
		r, ok := f(v)
		if !ok || !send(done, out, r) {
			return
		}
	}
}

// spawner starts the goroutines of one stage. Plain operators use goSpawn; the
// error-aware stages use their Group, whose Wait waits for them.
type spawner func(fn func())

func goSpawn(fn func()) { go fn() }

// The checks below reject programming errors at the call, not later inside a
// goroutine where the stack would not show the caller; they panic through
// internal/check, which phrases every misuse of concur the same way.

func checkNil(op string, isNil bool, what string) {
	if isNil {
		check.Misuse("chans", op, "with nil "+what)
	}
}

func checkCtx(op string, ctx context.Context) { check.Context(ctx, "chans", op) }
