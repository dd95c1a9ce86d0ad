// Package panics captures panics for the packages of concur that run user code
// in goroutines of their own (chans, pool): it turns a recovered value into a
// *syncx.PanicError with the stack of the code that panicked, tells a panic
// from runtime.Goexit, and carries a panic out of an iterator with the
// iterator's own frames.
//
// syncx.PanicError is the one public type; it is built here rather than by an
// exported constructor in syncx, so that syncx exports only the type itself.
package panics

import (
	"runtime/debug"

	"github.com/concurkit/concur/syncx"
)

// Capture returns v, a value just recovered, as a *syncx.PanicError holding
// v and the stack of the calling goroutine. Call it from the deferred function
// that recovered v: the stack then still holds the frames of the code that
// panicked.
//
// A value raised by Forward was captured where its frames were; Capture
// returns that capture unchanged.
func Capture(v any) *syncx.PanicError {
	if f, ok := v.(*forwarded); ok {
		return f.pe
	}
	return &syncx.PanicError{Value: v, Stack: debug.Stack()}
}

// forwarded is the panic value that carries a capture out of the goroutine
// or coroutine where it was made. The type is unexported, so no user value
// can be mistaken for one.
type forwarded struct{ pe *syncx.PanicError }

// Forward panics with pe in a form that Capture recognizes, so that pe, with
// the frames it was captured with, reaches whoever recovers the panic further
// on (iter.Pull, for instance, re-raises a panic of the iterator in the
// goroutine that pulls, where the iterator's frames are gone).
func Forward(pe *syncx.PanicError) {
	panic(&forwarded{pe})
}

// Catch calls f and then ended with how f ended: ended(nil, false) when f
// returned, ended(pe, false) when f panicked (the panic is recovered and the
// goroutine goes on), and ended(nil, true) when f called runtime.Goexit (the
// goroutine goes on ending once ended returns, as Goexit cannot be stopped).
func Catch(f func(), ended func(pe *syncx.PanicError, goexit bool)) {
	returned := false
	defer func() {
		if returned {
			ended(nil, false)
			return
		}
		// Since Go 1.21 panic(nil) panics with a *runtime.PanicNilError,
		// so nil here means runtime.Goexit.
		if v := recover(); v != nil {
			ended(Capture(v), false)
			return
		}
		ended(nil, true)
	}()
	f()
	returned = true
}
