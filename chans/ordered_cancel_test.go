package chans

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestOrderedMapStopsSoonAfterCancel keeps reading an OrderedMap after its
// context ends, fed by a source that ignores the context: the stage itself
// must stop. Its collector looks at ctx before each value, so at most one
// delivery, under way as ctx ended, may still complete.
func TestOrderedMapStopsSoonAfterCancel(t *testing.T) {
	for _, workers := range []int{1, 4} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			stop := make(chan struct{})
			defer close(stop)
			src := make(chan int)
			go func() {
				for i := 0; ; i++ {
					select {
					case src <- i:
					case <-stop:
						return
					}
				}
			}()
			out := OrderedMap(ctx, src, workers, func(v int) int { return v })
			for range 3 * batchCap {
				<-out
			}
			cancel()
			after := 0
			for range out {
				after++
			}
			if after > 1 {
				t.Errorf("workers=%d: %d values delivered after cancel, want at most 1", workers, after)
			}
		})
	}
}

// TestOrderedMapStopsCallingFAfterCancel cancels an OrderedMap whose f is
// slow, so that its batches are full: f may finish the calls already running
// but must not be started on the rest of a batch.
func TestOrderedMapStopsCallingFAfterCancel(t *testing.T) {
	const workers = 2
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		var calls atomic.Int64
		slow := func(v int) int {
			calls.Add(1)
			time.Sleep(10 * time.Millisecond)
			return v
		}
		out := OrderedMap(ctx, Generate(ctx, make([]int, 10*batchCap)...), workers, slow)
		<-out
		synctest.Wait() // the batches have filled while f slept
		cancel()
		before := calls.Load()
		Drain(out)
		time.Sleep(time.Second) // long enough for every f started to return
		synctest.Wait()
		if after := calls.Load() - before; after > workers {
			t.Errorf("f called %d times after cancel, want at most %d (the calls in progress)", after, workers)
		}
	})
}
