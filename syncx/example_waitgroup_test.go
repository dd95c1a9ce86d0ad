package syncx_test

import (
	"fmt"
	"sync/atomic"

	"github.com/concurkit/concur/syncx"
)

func ExampleWaitGroup() {
	var wg syncx.WaitGroup
	var sum atomic.Int64
	for i := 1; i <= 4; i++ {
		wg.Go(func() { sum.Add(int64(i)) })
	}
	wg.Wait()
	fmt.Println(sum.Load(), wg.TryWait())
	// Output: 10 true
}

// A panic in a function started by Go is re-raised by Wait, in the waiting
// goroutine, as a *PanicError that carries the task's stack.
func ExampleWaitGroup_Go() {
	var wg syncx.WaitGroup
	wg.Go(func() {
		var m map[string]int
		m["boom"] = 1 // a bug: assignment to entry in a nil map
	})
	defer func() {
		pe := recover().(*syncx.PanicError)
		// pe.Stack points at the task; print only the value here.
		fmt.Println("re-raised by Wait:", pe.Value)
	}()
	wg.Wait()
	// Output: re-raised by Wait: assignment to entry in nil map
}
