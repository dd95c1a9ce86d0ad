package chans_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/concurkit/concur/chans"
)

// A pipeline that fails half way: the third line does not parse, the group
// cancels every stage, the range loop ends, and Wait returns the error once.
// (Values already in flight in later stages are dropped by the cancellation;
// here the failing stage feeds the loop directly, so what it sent arrives.)
func ExampleGroup() {
	g, ctx := chans.NewGroup(context.Background())
	lines := chans.Generate(ctx, " 1", "2 ", " three", "4", "5")
	trimmed := chans.Map(ctx, lines, strings.TrimSpace)
	nums := chans.MapErr(ctx, g, trimmed, func(_ context.Context, s string) (int, error) {
		return strconv.Atoi(s)
	})
	for v := range chans.Seq(ctx, nums) {
		fmt.Println(v)
	}
	if err := g.Wait(); err != nil {
		fmt.Println("error:", err)
	}
	// Output:
	// 1
	// 2
	// error: strconv.Atoi: parsing "three": invalid syntax
}

func ExampleNewGroup() {
	g, ctx := chans.NewGroup(context.Background())
	squares := chans.ParallelMapErr(ctx, g, chans.Generate(ctx, 1, 2, 3), 2, func(_ context.Context, v int) (int, error) {
		return v * v, nil
	})
	sum := 0
	for v := range squares {
		sum += v
	}
	fmt.Println(sum, g.Wait())
	// Output: 14 <nil>
}

func ExampleGroup_Go() {
	g, ctx := chans.NewGroup(context.Background())
	nums := chans.MapErr(ctx, g, chans.FromSeq(ctx, naturals(nil)), func(_ context.Context, v int) (int, error) {
		return v, nil
	})
	// The sink runs in the group: its error stops the endless source above.
	g.Go(func() error {
		for v := range chans.Seq(ctx, nums) {
			if v == 3 {
				return fmt.Errorf("sink: %d is enough", v)
			}
		}
		return nil
	})
	fmt.Println(g.Wait())
	// Output: sink: 3 is enough
}

func ExampleGroup_Wait() {
	g, ctx := chans.NewGroup(context.Background())
	out := chans.OrderedMapErr(ctx, g, chans.Generate(ctx, "a", "b"), 2, func(_ context.Context, s string) (string, error) {
		return s + s, nil
	})
	fmt.Println(collect(out)) // consume first: Wait waits for the stages to stop
	fmt.Println(g.Wait(), ctx.Err())
	// Output:
	// [aa bb]
	// <nil> context canceled
}

func ExampleGroup_Err() {
	g, ctx := chans.NewGroup(context.Background())
	out := chans.MapErr(ctx, g, chans.Generate(ctx, 1), func(context.Context, int) (int, error) {
		return 0, fmt.Errorf("always fails")
	})
	chans.Drain(out)
	fmt.Println(g.Err()) // known before Wait, once the stage has reported it
	fmt.Println(g.Wait())
	// Output:
	// always fails
	// always fails
}

func ExampleMapErr() {
	g, ctx := chans.NewGroup(context.Background())
	parsed := chans.MapErr(ctx, g, chans.Generate(ctx, "7", "x"), func(_ context.Context, s string) (int, error) {
		return strconv.Atoi(s)
	})
	fmt.Println(collect(parsed))
	fmt.Println(g.Wait())
	// Output:
	// [7]
	// strconv.Atoi: parsing "x": invalid syntax
}

func ExampleParallelMapErr() {
	g, ctx := chans.NewGroup(context.Background())
	lengths := chans.ParallelMapErr(ctx, g, chans.Generate(ctx, "ab", "cde", "f"), 3, func(_ context.Context, s string) (int, error) {
		return len(s), nil
	})
	total := 0
	for n := range lengths {
		total += n
	}
	fmt.Println(total, g.Wait())
	// Output: 6 <nil>
}

func ExampleOrderedMapErr() {
	g, ctx := chans.NewGroup(context.Background())
	inverse := chans.OrderedMapErr(ctx, g, chans.Generate(ctx, 1, 2, 4, 0, 5), 2, func(_ context.Context, v int) (float64, error) {
		if v == 0 {
			return 0, fmt.Errorf("cannot invert 0")
		}
		return 1 / float64(v), nil
	})
	got := collect(inverse)
	// got is a prefix of [1 0.5 0.25]: in input order, nothing at or after the
	// failure (how much of it arrived depends on how fast the cancel was).
	fmt.Println(slices.Equal(got, []float64{1, 0.5, 0.25}[:len(got)]))
	fmt.Println(g.Wait())
	// Output:
	// true
	// cannot invert 0
}
