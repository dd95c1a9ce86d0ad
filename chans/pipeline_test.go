package chans_test

import (
	"context"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/concurkit/concur/chans"
)

// TestPipelineDeliversEverything pushes 100,000 items through
// Generate/FromSeq -> ParallelMap -> Filter -> OrderedMap -> Merge and checks
// the exact multiset that comes out against a sequential computation.
func TestPipelineDeliversEverything(t *testing.T) {
	const n = 100_000
	ctx := t.Context()
	branch := func(src <-chan int) <-chan int {
		doubled := chans.ParallelMap(ctx, src, 4, func(v int) int { return 2 * v })
		kept := chans.Filter(ctx, doubled, func(v int) bool { return v%3 != 0 })
		return chans.OrderedMap(ctx, kept, 3, func(v int) int { return v + 1 })
	}
	// Half of the items come from Generate, half from FromSeq; the values
	// repeat so the check is on a multiset, not a set.
	a := chans.Generate(ctx, ints(n/2)...)
	b := chans.FromSeq(ctx, slices.Values(ints(n/2)))
	got := collect(chans.Merge(ctx, branch(a), branch(b)))

	want := map[int]int{}
	for i := range n {
		if v := 2 * (i % (n / 2)); v%3 != 0 {
			want[v+1]++
		}
	}
	if gotc := counts(got); !maps.Equal(gotc, want) {
		t.Fatalf("pipeline delivered %d values, want %d (multisets differ)", len(got), len(want)*2)
	}
}

// TestOrderedMapKeepsOrder runs an f whose duration varies wildly, so the
// workers finish out of order, and checks the output is in input order.
func TestOrderedMapKeepsOrder(t *testing.T) {
	for _, workers := range []int{1, 2, 4, 7} {
		const n = 20_000
		f := func(v int) int {
			for range rand.IntN(4) {
				runtime.Gosched()
			}
			return v * 3
		}
		got := collect(chans.OrderedMap(t.Context(), chans.Generate(t.Context(), ints(n)...), workers, f))
		if len(got) != n {
			t.Fatalf("workers=%d: got %d values, want %d", workers, len(got), n)
		}
		for i, v := range got {
			if v != 3*i {
				t.Fatalf("workers=%d: out[%d] = %d, want %d", workers, i, v, 3*i)
			}
		}
	}
}

// TestParallelMapDeliversEachOnce checks ParallelMap's multiset.
func TestParallelMapDeliversEachOnce(t *testing.T) {
	got := collect(chans.ParallelMap(t.Context(), chans.Generate(t.Context(), ints(10_000)...), 5, id))
	slices.Sort(got)
	if !slices.Equal(got, ints(10_000)) {
		t.Fatalf("ParallelMap lost or duplicated values: got %d", len(got))
	}
}

// TestOperatorsCloseOutputs runs each operator on a finite input that the test
// owns and closes itself (an operator that closed it would make that close
// panic; the receive-only types already forbid it) and ranges over every
// output, which only ends if the operator closes it.
func TestOperatorsCloseOutputs(t *testing.T) {
	ctx := t.Context()
	feed := func(n int) <-chan int {
		in := make(chan int)
		go func() {
			defer close(in)
			for i := range n {
				in <- i
			}
		}()
		return in
	}
	check := func(name string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s delivered %d values, want %d", name, got, want)
		}
	}
	check("Map", len(collect(chans.Map(ctx, feed(10), id))), 10)
	check("Filter", len(collect(chans.Filter(ctx, feed(10), func(v int) bool { return v%2 == 0 }))), 5)
	check("ParallelMap", len(collect(chans.ParallelMap(ctx, feed(10), 3, id))), 10)
	check("OrderedMap", len(collect(chans.OrderedMap(ctx, feed(10), 3, id))), 10)
	check("OrderedMap empty", len(collect(chans.OrderedMap(ctx, feed(0), 3, id))), 0)
	check("Merge", len(collect(chans.Merge(ctx, feed(10), feed(5)))), 15)
	check("Merge none", len(collect(chans.Merge[int](ctx))), 0)
	check("Take", len(collect(chans.Take(ctx, feed(10), 20))), 10)
	check("Take 0", len(collect(chans.Take(ctx, feed(0), 0))), 0)
	check("TakeWhile", len(collect(chans.TakeWhile(ctx, feed(10), all))), 10)
	check("Batch", len(collect(chans.Batch(ctx, feed(10), 4, 0))), 3)
	check("Generate", len(collect(chans.Generate[int](ctx))), 0)
	for name, os := range map[string][]<-chan int{
		"FanOut":            chans.FanOut(ctx, feed(10), 3),
		"Broadcast":         chans.Broadcast(ctx, feed(10), 3),
		"BroadcastBuffered": chans.BroadcastBuffered(ctx, feed(10), 3, 2),
	} {
		total := 0
		for v := range chans.Seq(ctx, chans.Merge(ctx, os...)) {
			_ = v
			total++
		}
		want := 10
		if name != "FanOut" {
			want = 30
		}
		check(name, total, want)
	}
	g, gctx := chans.NewGroup(ctx)
	check("MapErr", len(collect(chans.MapErr(gctx, g, feed(10), idErr))), 10)
	check("ParallelMapErr", len(collect(chans.ParallelMapErr(gctx, g, feed(10), 2, idErr))), 10)
	check("OrderedMapErr", len(collect(chans.OrderedMapErr(gctx, g, feed(10), 2, idErr))), 10)
	if err := g.Wait(); err != nil {
		t.Errorf("Group.Wait = %v, want nil", err)
	}
}

// TestNoPerItemAllocation checks that ParallelMap and OrderedMap allocate a
// fixed amount per call, not per item.
func TestNoPerItemAllocation(t *testing.T) {
	const n = 20_000
	for name, op := range map[string]func(context.Context, <-chan int) <-chan int{
		"ParallelMap": func(ctx context.Context, in <-chan int) <-chan int { return chans.ParallelMap(ctx, in, 4, id) },
		"OrderedMap":  func(ctx context.Context, in <-chan int) <-chan int { return chans.OrderedMap(ctx, in, 4, id) },
	} {
		allocs := testing.AllocsPerRun(2, func() {
			in := make(chan int)
			go func() {
				defer close(in)
				for i := range n {
					in <- i
				}
			}()
			for range op(context.Background(), in) {
			}
		})
		if perItem := allocs / n; perItem > 0.01 {
			t.Errorf("%s: %.3f allocations per item, want none", name, perItem)
		}
	}
}
