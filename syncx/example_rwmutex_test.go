package syncx_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/concurkit/concur/syncx"
)

// A read-mostly cache: many readers share the lock, a writer has it alone.
// The zero RWMutex is WriterPreferring, like sync.RWMutex.
func ExampleRWMutex() {
	var (
		mu    syncx.RWMutex
		cache = map[string]int{}
		wg    sync.WaitGroup
	)
	get := func(k string) (int, bool) {
		mu.RLock()
		defer mu.RUnlock()
		v, ok := cache[k]
		return v, ok
	}
	put := func(k string, v int) {
		mu.Lock()
		defer mu.Unlock()
		cache[k] = v
	}

	put("answer", 42)
	for range 10 {
		wg.Go(func() {
			if v, ok := get("answer"); !ok || v != 42 {
				panic("lost the value")
			}
		})
	}
	wg.Wait()
	fmt.Println(get("answer"))
	// Output: 42 true
}

// NewRWMutex picks the policy. Under Fair, a writer waiting behind readers
// also holds back readers that come after it, and readers waiting behind a
// writer go before writers that come after them.
func ExampleNewRWMutex() {
	mu := syncx.NewRWMutex(syncx.Fair)
	mu.RLock()

	writerDone := make(chan struct{})
	go func() {
		mu.Lock() // waits for the reader
		mu.Unlock()
		close(writerDone)
	}()
	for mu.TryRLock() { // until the writer has queued
		mu.RUnlock()
		runtime.Gosched()
	}
	fmt.Println("a new reader waits behind the writer")

	mu.RUnlock()
	<-writerDone
	fmt.Println("writer served; readers may enter:", mu.TryRLock())
	// Output:
	// a new reader waits behind the writer
	// writer served; readers may enter: true
}

// RLockContext bounds how long a reader waits for a writer.
func ExampleRWMutex_RLockContext() {
	mu := syncx.NewRWMutex(syncx.ReaderPreferring)
	held, release := make(chan struct{}), make(chan struct{})
	go func() { // a writer holds the lock for a long time
		mu.Lock()
		close(held)
		<-release
		mu.Unlock()
	}()
	<-held
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	fmt.Println(mu.RLockContext(ctx))
	// Output: context deadline exceeded
}

func ExamplePolicy() {
	for _, p := range []syncx.Policy{syncx.WriterPreferring, syncx.ReaderPreferring, syncx.Fair} {
		fmt.Println(int(p), p)
	}
	// Output:
	// 0 WriterPreferring
	// 1 ReaderPreferring
	// 2 Fair
}
