package chans_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/concurkit/concur/chans"
)

// A pipeline: a source, two stages and a sink, all stopped by one cancel.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // releases every stage, whatever the sink did

	nums := chans.Generate(ctx, 1, 2, 3, 4, 5, 6)
	squares := chans.Map(ctx, nums, func(v int) int { return v * v })
	odd := chans.Filter(ctx, squares, func(v int) bool { return v%2 == 1 })
	for v := range chans.Seq(ctx, odd) {
		fmt.Println(v)
	}
	// Output:
	// 1
	// 9
	// 25
}

func ExampleGenerate() {
	for v := range chans.Generate(context.Background(), "a", "b", "c") {
		fmt.Print(v)
	}
	fmt.Println()
	// Output: abc
}

func ExampleFromSeq() {
	ctx := context.Background()
	words := chans.FromSeq(ctx, strings.FieldsSeq("from an iterator"))
	for w := range words {
		fmt.Println(w)
	}
	// Output:
	// from
	// an
	// iterator
}

func ExampleSeq() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // breaking out of the loop leaves Generate blocked until here
	for v := range chans.Seq(ctx, chans.Generate(ctx, 10, 20, 30, 40)) {
		if v > 20 {
			break
		}
		fmt.Println(v)
	}
	// Output:
	// 10
	// 20
}

func ExampleMap() {
	ctx := context.Background()
	for s := range chans.Map(ctx, chans.Generate(ctx, 1, 2, 3), func(v int) string {
		return strings.Repeat("*", v)
	}) {
		fmt.Println(s)
	}
	// Output:
	// *
	// **
	// ***
}

func ExampleFilter() {
	ctx := context.Background()
	even := chans.Filter(ctx, chans.Generate(ctx, 1, 2, 3, 4, 5, 6), func(v int) bool { return v%2 == 0 })
	fmt.Println(collect(even))
	// Output: [2 4 6]
}

func ExampleParallelMap() {
	ctx := context.Background()
	// Three workers; results arrive in the order they finish.
	for v := range chans.ParallelMap(ctx, chans.Generate(ctx, 1, 2, 3, 4), 3, func(v int) int { return v * 10 }) {
		fmt.Println(v)
	}
	// Unordered output:
	// 10
	// 20
	// 30
	// 40
}

func ExampleOrderedMap() {
	ctx := context.Background()
	// Item 1 is slow, but its result still comes first.
	slow := func(v int) string {
		if v == 1 {
			time.Sleep(10 * time.Millisecond)
		}
		return fmt.Sprint("item ", v)
	}
	for s := range chans.OrderedMap(ctx, chans.Generate(ctx, 1, 2, 3, 4), 4, slow) {
		fmt.Println(s)
	}
	// Output:
	// item 1
	// item 2
	// item 3
	// item 4
}

func ExampleMerge() {
	ctx := context.Background()
	a := chans.Generate(ctx, "a1", "a2")
	b := chans.Generate(ctx, "b1")
	for v := range chans.Merge(ctx, a, b) {
		fmt.Println(v)
	}
	// Unordered output:
	// a1
	// a2
	// b1
}

func ExampleFanOut() {
	ctx := context.Background()
	outs := chans.FanOut(ctx, chans.Generate(ctx, 1, 2, 3, 4, 5, 6), 3)
	var mu sync.Mutex
	total := map[int]int{} // value -> how many consumers saw it
	var wg sync.WaitGroup
	for _, out := range outs {
		wg.Go(func() {
			for v := range out {
				mu.Lock()
				total[v]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, v := range slices.Sorted(maps.Keys(total)) {
		fmt.Printf("%d seen by %d consumer\n", v, total[v])
	}
	// Output:
	// 1 seen by 1 consumer
	// 2 seen by 1 consumer
	// 3 seen by 1 consumer
	// 4 seen by 1 consumer
	// 5 seen by 1 consumer
	// 6 seen by 1 consumer
}

func ExampleBroadcast() {
	ctx := context.Background()
	outs := chans.Broadcast(ctx, chans.Generate(ctx, 1, 2, 3), 2)
	sums := make([]int, len(outs))
	var wg sync.WaitGroup
	for i, out := range outs {
		wg.Go(func() {
			for v := range out {
				sums[i] += v
			}
		})
	}
	wg.Wait()
	fmt.Println(sums)
	// Output: [6 6]
}

func ExampleBroadcastBuffered() {
	ctx := context.Background()
	outs := chans.BroadcastBuffered(ctx, chans.Generate(ctx, 1, 2, 3), 2, 3)
	// With a queue of 3, the first consumer can read everything before the
	// second one starts: one goroutine can read the outputs one after the other.
	fmt.Println(collect(outs[0]))
	fmt.Println(collect(outs[1]))
	// Output:
	// [1 2 3]
	// [1 2 3]
}

func ExampleBroadcastDropping() {
	ctx := context.Background()
	in := make(chan int)
	outs, drops := chans.BroadcastDropping(ctx, in, 1, 2)
	for i := range 10 { // nobody reads the output yet: the sends never block
		in <- i
	}
	close(in)
	got := collect(outs[0])
	fmt.Println("first kept:", got[0])
	fmt.Println("kept + dropped:", len(got)+int(drops.Count(0)))
	fmt.Println("some dropped:", drops.Count(0) > 0)
	// Output:
	// first kept: 0
	// kept + dropped: 10
	// some dropped: true
}

func ExampleDrops() {
	ctx := context.Background()
	in := make(chan string)
	outs, drops := chans.BroadcastDropping(ctx, in, 2, 1)
	for range 5 {
		in <- "tick" // nobody reads yet, so most ticks are dropped
	}
	close(in)
	for i, out := range outs {
		kept := len(collect(out))
		fmt.Printf("output %d: kept + dropped = %d\n", i, int64(kept)+drops.Count(i))
	}
	fmt.Println("some dropped:", drops.Total() > 0)
	// Output:
	// output 0: kept + dropped = 5
	// output 1: kept + dropped = 5
	// some dropped: true
}

func ExampleTake() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // Take stops reading; cancel releases the source
	naturals := chans.FromSeq(ctx, naturals(nil))
	fmt.Println(collect(chans.Take(ctx, naturals, 5)))
	// Output: [0 1 2 3 4]
}

func ExampleTakeWhile() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	small := chans.TakeWhile(ctx, chans.Generate(ctx, 1, 2, 3, 10, 4), func(v int) bool { return v < 5 })
	fmt.Println(collect(small))
	// Output: [1 2 3]
}

func ExampleBatch() {
	ctx := context.Background()
	// Batches of 3; the hour limit never expires here, so only size and the
	// end of the input cut them.
	for b := range chans.Batch(ctx, chans.Generate(ctx, 1, 2, 3, 4, 5, 6, 7), 3, time.Hour) {
		fmt.Println(b)
	}
	// Output:
	// [1 2 3]
	// [4 5 6]
	// [7]
}

func ExampleDrain() {
	ctx := context.Background()
	var seen []int
	logged := chans.Map(ctx, chans.Generate(ctx, 1, 2, 3), func(v int) int {
		seen = append(seen, v) // a side effect is all we want from this stage
		return v
	})
	chans.Drain(logged) // returns once logged is closed
	fmt.Println(seen)
	// Output: [1 2 3]
}
