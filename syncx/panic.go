package syncx

import (
	"fmt"
	"runtime/debug"
)

// PanicError is the value that WaitGroup.Wait (and the chans and pool
// packages) re-raise when a function they ran in a goroutine of their own
// panicked. It keeps the original panic value and the stack of the goroutine
// that panicked, so a crash report points at the function rather than at the
// goroutine that called Wait.
//
// Its text (%v, Error) is the original value followed by that stack. When the
// original value is an error, errors.Is and errors.As see through PanicError to
// it.
type PanicError struct {
	// Value is what the function passed to panic.
	Value any
	// Stack is the stack of the panicking goroutine, captured where the panic
	// was recovered, as formatted by runtime/debug.Stack.
	Stack []byte
}

// newPanicError records v with the calling goroutine's stack. It is called
// from the deferred function that recovered v, so that the stack still holds
// the frames of the code that panicked. (The chans and pool packages build
// theirs with concur's internal/panics.)
func newPanicError(v any) *PanicError {
	return &PanicError{Value: v, Stack: debug.Stack()}
}

// Error returns the original panic value followed by the panicking stack.
func (p *PanicError) Error() string {
	return fmt.Sprintf("%v\n\n[recovered from a panicking goroutine]\n%s", p.Value, p.Stack)
}

// Unwrap returns the original panic value if it is an error, and nil otherwise.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}
