package benchmarks

import (
	"context"
	"testing"

	"github.com/concurkit/concur/chans"
	"github.com/sourcegraph/conc/stream"
)

// orderedWorkers is the parallelism of the ordered-map comparison, the figure
// in DESIGN.md's performance table.
const orderedWorkers = 4

// BenchmarkOrderedStream maps b.N items with a trivial function on 4 workers
// and consumes the results in input order: with chans.OrderedMap over a
// channel, and with sourcegraph/conc's stream, whose callbacks run in
// submission order. One op is one item; compare with
//
//	go test -run '^$' -bench OrderedStream -count 10 | tee new.txt
//	benchstat -col /impl new.txt
func BenchmarkOrderedStream(b *testing.B) {
	f := func(v int) int { return v*2 + 1 }

	b.Run("impl=concur", func(b *testing.B) {
		ctx := b.Context()
		b.ReportAllocs()
		in := feed(ctx, b.N)
		want := 0
		for r := range chans.OrderedMap(ctx, in, orderedWorkers, f) {
			if r != f(want) {
				b.Fatalf("got %d, want %d", r, f(want))
			}
			want++
		}
	})

	b.Run("impl=conc", func(b *testing.B) {
		b.ReportAllocs()
		s := stream.New().WithMaxGoroutines(orderedWorkers)
		want := 0
		for i := range b.N {
			s.Go(func() stream.Callback {
				r := f(i)
				return func() {
					if r != f(want) {
						b.Errorf("got %d, want %d", r, f(want))
					}
					want++
				}
			})
		}
		s.Wait()
	})
}

// BenchmarkOrderedVsParallelMap measures the price of order inside concur:
// the bar is OrderedMap at no less than half ParallelMap's throughput.
func BenchmarkOrderedVsParallelMap(b *testing.B) {
	f := func(v int) int { return v + 1 }
	for _, impl := range []struct {
		name string
		op   func(context.Context, <-chan int, int, func(int) int) <-chan int
	}{
		{"impl=parallel", chans.ParallelMap[int, int]},
		{"impl=ordered", chans.OrderedMap[int, int]},
	} {
		b.Run(impl.name, func(b *testing.B) {
			ctx := b.Context()
			b.ReportAllocs()
			in := feed(ctx, b.N)
			n := 0
			for range impl.op(ctx, in, orderedWorkers, f) {
				n++
			}
			if n != b.N {
				b.Fatalf("got %d results, want %d", n, b.N)
			}
		})
	}
}

// feed sends 0, 1, …, n-1 on the channel it returns, from a goroutine of its
// own (not chans.Generate, so that only the operator under test is measured),
// and closes it; it stops early when ctx ends.
func feed(ctx context.Context, n int) <-chan int {
	in := make(chan int)
	go func() {
		defer close(in)
		for i := range n {
			select {
			case in <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return in
}
