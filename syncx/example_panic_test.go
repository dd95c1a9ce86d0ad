package syncx_test

import (
	"errors"
	"fmt"
	"io"

	"github.com/concurkit/concur/syncx"
)

// A *PanicError re-raised in the waiting goroutine carries the original value
// (errors.Is sees through to it when it is an error) and the stack of the task
// that panicked.
func ExamplePanicError() {
	var wg syncx.WaitGroup
	wg.Go(func() { panic(io.ErrUnexpectedEOF) })
	defer func() {
		var pe *syncx.PanicError
		if err, ok := recover().(error); ok && errors.As(err, &pe) {
			fmt.Println("value:", pe.Value)
			fmt.Println("is io.ErrUnexpectedEOF:", errors.Is(pe, io.ErrUnexpectedEOF))
			fmt.Println("has a stack:", len(pe.Stack) > 0)
		}
	}()
	wg.Wait()
	// Output:
	// value: unexpected EOF
	// is io.ErrUnexpectedEOF: true
	// has a stack: true
}
