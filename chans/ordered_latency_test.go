package chans_test

import (
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/chans"
)

// TestOrderedMapDoesNotWaitToFill feeds OrderedMap one item at a time and
// waits for each result before sending the next item. A stage that held an
// item back until more arrived, to fill a batch, would deadlock the bubble.
func TestOrderedMapDoesNotWaitToFill(t *testing.T) {
	for _, workers := range []int{1, 2, 4, 16} {
		synctest.Test(t, func(t *testing.T) {
			in := make(chan int)
			defer close(in)
			out := chans.OrderedMap(t.Context(), in, workers, func(v int) int { return -v })
			for i := range 200 {
				in <- i
				if got := <-out; got != -i {
					t.Fatalf("workers=%d: got %d, want %d", workers, got, -i)
				}
			}
		})
	}
}
