package syncx_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/concurkit/concur/syncx"
)

func ExampleMutex() {
	var (
		mu    syncx.Mutex // the zero value is an unlocked mutex
		count int
		wg    sync.WaitGroup
	)
	for range 100 {
		wg.Go(func() {
			mu.Lock()
			count++
			mu.Unlock()
		})
	}
	wg.Wait()
	fmt.Println(count)
	// Output: 100
}

// LockContext gives up when its context ends, and then holds nothing.
func ExampleMutex_LockContext() {
	var mu syncx.Mutex
	held, release, released := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() { // somebody holds the lock for a long time
		mu.Lock()
		close(held)
		<-release
		mu.Unlock()
		close(released)
	}()
	<-held

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := mu.LockContext(ctx); err != nil {
		fmt.Println("gave up:", err)
	}

	close(release)
	<-released
	fmt.Println("free again:", mu.TryLock())
	// Output:
	// gave up: context deadline exceeded
	// free again: true
}
