package chans

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// TestOrderedMapBuffersOWorkers stalls the consumer of an OrderedMap fed by an
// endless source and checks how far ahead of the consumer the stage runs: the
// items pulled from the source and the calls of f, minus the items delivered,
// must stay within the bound OrderedMap documents, however long it waits.
func TestOrderedMapBuffersOWorkers(t *testing.T) {
	for _, workers := range []int{1, 2, 4, 16} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var pulled int64 // only the source goroutine writes it until Wait
			src := make(chan int)
			go func() {
				defer close(src)
				for i := 0; ; i++ {
					pulled++
					select {
					case src <- i:
					case <-ctx.Done():
						return
					}
				}
			}()
			var calls atomic.Int64
			out := OrderedMap(ctx, src, workers, func(v int) int { calls.Add(1); return v })

			// Received from in and not delivered: the items of every batch the
			// stage recycles, and one the dealer holds while it waits for a
			// batch; the source holds one more.
			inFlight := int64(orderedBatches(workers)*batchCap + 1)
			// f called and not delivered: the items of every batch.
			computed := int64(orderedBatches(workers) * batchCap)
			for delivered := int64(0); delivered < 50; delivered += 10 {
				synctest.Wait() // the consumer is stalled; the stage runs until blocked
				if got := pulled - 1 - delivered; got > inFlight {
					t.Errorf("workers=%d: %d items taken from in but not delivered, bound %d", workers, got, inFlight)
				}
				if got := calls.Load() - delivered; got > computed {
					t.Errorf("workers=%d: f ran on %d items not delivered, bound %d", workers, got, computed)
				}
				for want := delivered; want < delivered+10; want++ {
					if v := <-out; int64(v) != want {
						t.Fatalf("workers=%d: got %d, want %d", workers, v, want)
					}
				}
			}
		})
	}
}
