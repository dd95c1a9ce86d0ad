package syncx_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/concurkit/concur/syncx"
)

// A semaphore of 2 permits lets at most two workers run at once.
func ExampleSemaphore() {
	sem := syncx.NewSemaphore(2)
	ctx := context.Background()
	var mu sync.Mutex
	running, peak := 0, 0
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if err := sem.Acquire(ctx, 1); err != nil {
				return // ctx ended: nothing is held
			}
			defer sem.Release(1)
			mu.Lock()
			running++
			peak = max(peak, running)
			mu.Unlock()
			mu.Lock()
			running--
			mu.Unlock()
		})
	}
	wg.Wait()
	fmt.Println("never more than 2 at once:", peak <= 2, "- available again:", sem.Available())
	// Output: never more than 2 at once: true - available again: 2
}

// A semaphore created with 0 permits is a signal that cannot be lost: a
// Release that comes before the Acquire is stored.
func ExampleNewSemaphore_storedSignal() {
	ready := syncx.NewSemaphore(0)
	done := make(chan struct{})
	go func() {
		fmt.Println("worker: set up")
		ready.Release(1) // may run before main reaches Acquire
		close(done)
	}()
	<-done
	_ = ready.Acquire(context.Background(), 1) // does not wait: the signal was stored
	fmt.Println("main: worker is ready")
	// Output:
	// worker: set up
	// main: worker is ready
}

// TryAcquire takes permits only if it need not wait.
func ExampleSemaphore_TryAcquire() {
	sem := syncx.NewSemaphore(3)
	fmt.Println(sem.TryAcquire(2), sem.TryAcquire(2), sem.Available())
	// Output: true false 1
}
