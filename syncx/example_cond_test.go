package syncx_test

import (
	"context"
	"fmt"
	"time"

	"github.com/concurkit/concur/syncx"
)

// A consumer waits, with a deadline, until a producer has put a job on a
// shared list.
func ExampleCond() {
	var mu syncx.Mutex
	c := syncx.NewCond(&mu)
	var jobs []string

	go func() {
		mu.Lock()
		jobs = append(jobs, "compile")
		mu.Unlock()
		c.Signal()
	}()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	mu.Lock()
	for len(jobs) == 0 {
		if err := c.Wait(ctx); err != nil {
			mu.Unlock()
			fmt.Println("no job:", err)
			return
		}
	}
	job := jobs[0]
	jobs = jobs[1:]
	mu.Unlock()
	fmt.Println("got", job)
	// Output: got compile
}

// When its context ends, Wait returns the context's error with L held again.
func ExampleCond_Wait() {
	var mu syncx.Mutex
	c := syncx.NewCond(&mu)
	ready := false

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	mu.Lock()
	var err error
	for !ready && err == nil {
		err = c.Wait(ctx)
	}
	fmt.Println(err)
	fmt.Println("L held:", !mu.TryLock())
	mu.Unlock()
	// Output:
	// context deadline exceeded
	// L held: true
}
