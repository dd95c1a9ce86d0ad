package chans_test

import (
	"context"
	"testing"

	"github.com/concurkit/concur/chans"
)

// source sends 0..n-1 on an unbuffered channel, as a producer stage would.
func source(ctx context.Context, n int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := range n {
			select {
			case out <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// benchMap pushes b.N items through op with 4 workers and a trivial f; the
// figure per op is the cost of one item through the stage.
func benchMap(b *testing.B, op func(context.Context, <-chan int, int, func(int) int) <-chan int) {
	ctx := b.Context()
	b.ReportAllocs()
	b.ResetTimer()
	sum := 0
	for v := range op(ctx, source(ctx, b.N), 4, func(v int) int { return v + 1 }) {
		sum += v
	}
	if b.N > 0 && sum == 0 {
		b.Fatal("no results")
	}
}

func BenchmarkParallelMap(b *testing.B) { benchMap(b, chans.ParallelMap[int, int]) }

func BenchmarkOrderedMap(b *testing.B) { benchMap(b, chans.OrderedMap[int, int]) }
