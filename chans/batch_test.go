package chans_test

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/chans"
)

// ready returns the batch waiting on out, if any, once the bubble has settled.
func ready(t *testing.T, out <-chan []int) ([]int, bool) {
	t.Helper()
	synctest.Wait()
	select {
	case b, ok := <-out:
		if !ok {
			t.Fatal("Batch output closed early")
		}
		return b, true
	default:
		return nil, false
	}
}

func TestBatchBySize(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in := make(chan int)
		out := chans.Batch(t.Context(), in, 3, time.Hour)
		fed := make(chan struct{})
		go func() { // Batch does not read while a batch waits for its consumer
			defer close(fed)
			for i := range 7 {
				in <- i
			}
		}()
		for _, want := range [][]int{{0, 1, 2}, {3, 4, 5}} {
			if b, ok := ready(t, out); !ok || !slices.Equal(b, want) {
				t.Fatalf("got %v, want %v", b, want)
			}
		}
		if b, ok := ready(t, out); ok {
			t.Fatalf("partial batch %v sent before maxWait or close", b)
		}
		<-fed
		close(in)
		if b, ok := ready(t, out); !ok || !slices.Equal(b, []int{6}) {
			t.Fatalf("final partial batch = %v, want [6]", b)
		}
		if _, ok := <-out; ok {
			t.Fatal("output not closed after the final batch")
		}
	})
}

func TestBatchByTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const maxWait = 10 * time.Millisecond
		in := make(chan int)
		out := chans.Batch(t.Context(), in, 100, maxWait)
		if _, ok := ready(t, out); ok {
			t.Fatal("empty batch sent")
		}
		time.Sleep(5 * maxWait) // no item: no timer, no batch
		if b, ok := ready(t, out); ok {
			t.Fatalf("batch %v sent with no items", b)
		}
		in <- 1
		time.Sleep(maxWait / 2)
		in <- 2
		time.Sleep(maxWait/2 - time.Nanosecond)
		if b, ok := ready(t, out); ok {
			t.Fatalf("batch %v sent before maxWait", b)
		}
		time.Sleep(time.Nanosecond) // maxWait after the first item, not the last
		if b, ok := ready(t, out); !ok || !slices.Equal(b, []int{1, 2}) {
			t.Fatalf("got %v, want [1 2] at maxWait", b)
		}
		// The clock restarts at the next batch's first item.
		time.Sleep(3 * maxWait)
		in <- 3
		time.Sleep(maxWait - time.Nanosecond)
		if b, ok := ready(t, out); ok {
			t.Fatalf("batch %v sent early", b)
		}
		time.Sleep(time.Nanosecond)
		if b, ok := ready(t, out); !ok || !slices.Equal(b, []int{3}) {
			t.Fatalf("got %v, want [3]", b)
		}
		// A full batch goes at once and cancels its deadline.
		for i := range 100 {
			in <- i
		}
		if b, ok := ready(t, out); !ok || len(b) != 100 {
			t.Fatalf("full batch not sent at once: %d items", len(b))
		}
		time.Sleep(2 * maxWait)
		if b, ok := ready(t, out); ok {
			t.Fatalf("stale deadline sent batch %v", b)
		}
		in <- 7
		close(in)
		if b, ok := ready(t, out); !ok || !slices.Equal(b, []int{7}) {
			t.Fatalf("final batch on close = %v, want [7]", b)
		}
	})
}

func TestBatchSizeOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in := make(chan int)
		out := chans.Batch(t.Context(), in, 2, 0)
		in <- 1
		time.Sleep(time.Hour)
		if b, ok := ready(t, out); ok {
			t.Fatalf("maxWait 0 sent partial batch %v by time", b)
		}
		close(in)
		if b, ok := ready(t, out); !ok || !slices.Equal(b, []int{1}) {
			t.Fatalf("final batch = %v, want [1]", b)
		}
	})
}

// A slow consumer of batches holds back the producer (no unbounded pile-up),
// and cancelling discards the partial batch and closes the output.
func TestBatchCancelDiscardsPartial(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		in := make(chan int)
		out := chans.Batch(ctx, in, 10, time.Second)
		in <- 1
		cancel()
		synctest.Wait()
		if b, ok := <-out; ok {
			t.Fatalf("got batch %v after cancel, want closed", b)
		}
	})
}
