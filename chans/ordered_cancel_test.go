package chans

import (
	"context"
	"testing"
	"testing/synctest"
)

// TestOrderedMapStopsSoonAfterCancel keeps reading an OrderedMap after its
// context ends, fed by a source that ignores the context: the stage itself
// must stop, delivering at most the rest of the batch it was emitting.
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
			if after > batchCap {
				t.Errorf("workers=%d: %d values delivered after cancel, want at most %d", workers, after, batchCap)
			}
		})
	}
}
