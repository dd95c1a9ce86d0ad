package chans_test

import (
	"context"
	"runtime"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/chans"
)

// A runtime.Goexit in the function of a plain operator ends only the
// goroutine that called it: the output may close before the input is
// exhausted, and the stage's other goroutines are released by cancelling
// ctx, as the package doc says.
func TestPlainStageGoexitEndsOnlyItsGoroutine(t *testing.T) {
	for _, build := range map[string]func(ctx context.Context, in <-chan int, f func(int) int) <-chan int{
		"Map": func(ctx context.Context, in <-chan int, f func(int) int) <-chan int { return chans.Map(ctx, in, f) },
		"ParallelMap": func(ctx context.Context, in <-chan int, f func(int) int) <-chan int {
			return chans.ParallelMap(ctx, in, 2, f)
		},
		"OrderedMap": func(ctx context.Context, in <-chan int, f func(int) int) <-chan int {
			return chans.OrderedMap(ctx, in, 2, f)
		},
	} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			in := chans.Generate(ctx, 1, 2, 3, 4, 5, 6, 7, 8)
			out := build(ctx, in, func(v int) int {
				if v == 1 {
					runtime.Goexit()
				}
				return v
			})
			chans.Drain(out) // closes although in is not exhausted
			cancel()
			synctest.Wait()
		})
	}
}
