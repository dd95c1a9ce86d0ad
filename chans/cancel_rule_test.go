package chans_test

import (
	"context"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/chans"
)

// gatedStage builds an operator whose user function blocks, for the first
// value, until gate is closed.
type gatedStage struct {
	name string
	// readsAhead: the stage takes values from in while its function runs
	// (OrderedMap's dealer), so only its output is checked.
	readsAhead bool
	build      func(ctx context.Context, in <-chan int, gate <-chan struct{}) <-chan int
}

func gatedStages() []gatedStage {
	wait := func(gate <-chan struct{}) { <-gate }
	return []gatedStage{
		{"Map", false, func(ctx context.Context, in <-chan int, gate <-chan struct{}) <-chan int {
			return chans.Map(ctx, in, func(v int) int { wait(gate); return v })
		}},
		{"Filter", false, func(ctx context.Context, in <-chan int, gate <-chan struct{}) <-chan int {
			return chans.Filter(ctx, in, func(int) bool { wait(gate); return true })
		}},
		{"TakeWhile", false, func(ctx context.Context, in <-chan int, gate <-chan struct{}) <-chan int {
			return chans.TakeWhile(ctx, in, func(int) bool { wait(gate); return true })
		}},
		{"ParallelMap", false, func(ctx context.Context, in <-chan int, gate <-chan struct{}) <-chan int {
			return chans.ParallelMap(ctx, in, 1, func(v int) int { wait(gate); return v })
		}},
		{"OrderedMap", true, func(ctx context.Context, in <-chan int, gate <-chan struct{}) <-chan int {
			return chans.OrderedMap(ctx, in, 1, func(v int) int { wait(gate); return v })
		}},
		{"MapErr", false, func(ctx context.Context, in <-chan int, gate <-chan struct{}) <-chan int {
			g, gctx := chans.NewGroup(ctx)
			return chans.MapErr(gctx, g, in, func(_ context.Context, v int) (int, error) { wait(gate); return v, nil })
		}},
		{"ParallelMapErr", false, func(ctx context.Context, in <-chan int, gate <-chan struct{}) <-chan int {
			g, gctx := chans.NewGroup(ctx)
			return chans.ParallelMapErr(gctx, g, in, 1, func(_ context.Context, v int) (int, error) { wait(gate); return v, nil })
		}},
		{"OrderedMapErr", true, func(ctx context.Context, in <-chan int, gate <-chan struct{}) <-chan int {
			g, gctx := chans.NewGroup(ctx)
			return chans.OrderedMapErr(gctx, g, in, 1, func(_ context.Context, v int) (int, error) { wait(gate); return v, nil })
		}},
		{"FromSeq", true, func(ctx context.Context, _ <-chan int, gate <-chan struct{}) <-chan int {
			return chans.FromSeq(ctx, func(yield func(int) bool) {
				for i := 0; ; i++ {
					wait(gate)
					if !yield(i) {
						return
					}
				}
			})
		}},
	}
}

// A stage busy in its function when ctx ends sees the end before its next
// channel operation: it delivers nothing more, although its consumer is
// waiting in receive, and takes nothing more from in, although a value waits
// there. (Both operations are ready then, and a bare select picked either at
// random: the old code delivered the value about half the time.)
func TestStageBusyAtCancelDeliversAndTakesNothing(t *testing.T) {
	for _, st := range gatedStages() {
		t.Run(st.name, func(t *testing.T) {
			for round := range rounds(50) {
				synctest.Test(t, func(t *testing.T) {
					ctx, cancel := context.WithCancel(t.Context())
					in := make(chan int)
					gate := make(chan struct{})
					out := st.build(ctx, in, gate)
					stop := make(chan struct{})
					taken := make(chan int, 2)
					go func() { // the producer: offers 0, then 1, until stopped
						for i := range 2 {
							select {
							case in <- i:
								taken <- i
							case <-stop:
								return
							}
						}
					}()
					var got []int
					received := make(chan struct{})
					go func() { // the consumer: waits in receive all along
						defer close(received)
						for v := range out {
							got = append(got, v)
						}
					}()
					synctest.Wait() // the stage is in its function on value 0
					cancel()
					close(gate)
					<-received
					close(stop)
					synctest.Wait()
					if len(got) > 0 {
						t.Fatalf("round %d: delivered %v after ctx ended", round, got)
					}
					if n := len(taken); !st.readsAhead && n != 1 {
						t.Fatalf("round %d: took %d values from in, want only the first", round, n)
					}
				})
			}
		})
	}
}

// Seq over a channel that holds values yields nothing once ctx has ended.
func TestSeqWithEndedContextYieldsNothing(t *testing.T) {
	in := make(chan int, 3)
	in <- 1
	in <- 2
	in <- 3
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for v := range chans.Seq(ctx, in) {
		t.Fatalf("yielded %d under an ended context", v)
	}
	if len(in) != 3 {
		t.Fatalf("took %d values from in", 3-len(in))
	}
}
