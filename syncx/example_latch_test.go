package syncx_test

import (
	"context"
	"fmt"

	"github.com/concurkit/concur/syncx"
)

// A latch lets the main goroutine wait until three services are up.
func ExampleLatch() {
	up := syncx.NewLatch(3)
	for range 3 {
		go up.CountDown()
	}
	if err := up.Wait(context.Background()); err == nil {
		fmt.Println("all services up; count", up.Count())
	}
	// Output: all services up; count 0
}
