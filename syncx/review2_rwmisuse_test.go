package syncx_test

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concurkit/concur/syncx"
)

// A misused RUnlock panics, and the recovered panic must leave the lock as it
// was. RUnlock counts the reader out with one atomic add and only then sees
// that there was none, so for a moment the count is below zero; a writer's
// Unlock that falls in that moment saw a "reader" and granted nobody, and the
// writer queued behind it was never woken. Here misused RUnlocks run in a
// loop while the holder unlocks with a writer queued: the writer must get the
// lock.
func TestRWMutexRUnlockMisuseStormLosesNoWriter(t *testing.T) {
	rounds := 150
	if testing.Short() {
		rounds = 30
	}
	for i := range rounds {
		rw := syncx.NewRWMutex(syncx.Policy(i % 3))
		rw.Lock()
		got := make(chan struct{})
		go func() {
			rw.Lock()
			rw.Unlock()
			close(got)
		}()
		for range 3 {
			runtime.Gosched() // let the writer queue
		}
		var stop atomic.Bool
		var tries atomic.Int64
		misusers := make(chan struct{})
		for range 2 {
			go func() {
				defer func() { misusers <- struct{}{} }()
				for !stop.Load() {
					func() {
						defer func() {
							if recover() == nil {
								t.Error("a misused RUnlock did not panic")
							}
						}()
						tries.Add(1)
						rw.RUnlock()
					}()
				}
			}()
		}
		for tries.Load() < 50 {
			runtime.Gosched()
		}
		rw.Unlock()
		for n := tries.Load(); tries.Load() < n+50; {
			runtime.Gosched()
		}
		stop.Store(true)
		<-misusers
		<-misusers
		select {
		case <-got:
		case <-time.After(10 * time.Second):
			t.Fatalf("round %d (%v): the queued writer never got the lock", i, syncx.Policy(i%3))
		}
	}
}
