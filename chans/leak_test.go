package chans_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/chans"
)

// stage builds one operator on in and returns a function that reads one value
// from each of its outputs and one that checks they are all closed.
type stage struct {
	name string
	// busy stages never block while their input flows (BroadcastDropping
	// drops instead), so the bubble never settles before cancel.
	busy  bool
	build func(ctx context.Context, in <-chan int) (readOne func(), closed func(t *testing.T))
}

func outs[T any](name string, os ...<-chan T) (func(), func(*testing.T)) {
	return func() {
			for _, o := range os {
				<-o
			}
		}, func(t *testing.T) {
			t.Helper()
			requireClosed(t, name, os...)
		}
}

func id(v int) int                                { return v }
func all(int) bool                                { return true }
func idErr(_ context.Context, v int) (int, error) { return v, nil }

// stages lists every operator that starts goroutines. Each is fed an endless
// source, so only the context can stop it.
func stages() []stage {
	return []stage{
		{"Map", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			return outs("Map", chans.Map(ctx, in, id))
		}},
		{"Filter", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			return outs("Filter", chans.Filter(ctx, in, all))
		}},
		{"ParallelMap", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			return outs("ParallelMap", chans.ParallelMap(ctx, in, 3, id))
		}},
		{"OrderedMap", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			return outs("OrderedMap", chans.OrderedMap(ctx, in, 3, id))
		}},
		{"Merge", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			return outs("Merge", chans.Merge(ctx, in, chans.Generate(ctx, 1, 2, 3)))
		}},
		{"FanOut", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			return outs("FanOut", chans.FanOut(ctx, in, 3)...)
		}},
		{"Broadcast", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			return outs("Broadcast", chans.Broadcast(ctx, in, 3)...)
		}},
		{"BroadcastBuffered", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			return outs("BroadcastBuffered", chans.BroadcastBuffered(ctx, in, 3, 4)...)
		}},
		{"BroadcastDropping", true, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			o, _ := chans.BroadcastDropping(ctx, in, 3, 4)
			return outs("BroadcastDropping", o...)
		}},
		{"Take", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			return outs("Take", chans.Take(ctx, in, 1000))
		}},
		{"TakeWhile", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			return outs("TakeWhile", chans.TakeWhile(ctx, in, all))
		}},
		{"Batch", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			return outs("Batch", chans.Batch(ctx, in, 4, time.Second))
		}},
		{"Generate", false, func(ctx context.Context, _ <-chan int) (func(), func(*testing.T)) {
			return outs("Generate", chans.Generate(ctx, ints(100)...))
		}},
		{"FromSeq", false, func(ctx context.Context, _ <-chan int) (func(), func(*testing.T)) {
			return outs("FromSeq", chans.FromSeq(ctx, naturals(nil)))
		}},
		{"MapErr", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			g, gctx := chans.NewGroup(ctx)
			return outs("MapErr", chans.MapErr(gctx, g, in, idErr))
		}},
		{"ParallelMapErr", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			g, gctx := chans.NewGroup(ctx)
			return outs("ParallelMapErr", chans.ParallelMapErr(gctx, g, in, 3, idErr))
		}},
		{"OrderedMapErr", false, func(ctx context.Context, in <-chan int) (func(), func(*testing.T)) {
			g, gctx := chans.NewGroup(ctx)
			return outs("OrderedMapErr", chans.OrderedMapErr(gctx, g, in, 3, idErr))
		}},
	}
}

// TestCancelWithUnreadOutputs starts each operator on an endless input, reads
// one value from each output so it is running, stops reading and cancels.
// synctest.Test fails if any goroutine of the bubble stays blocked (a leak);
// requireClosed checks every output was closed without being read.
func TestCancelWithUnreadOutputs(t *testing.T) {
	for _, st := range stages() {
		t.Run(st.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				readOne, closed := st.build(ctx, endless(ctx))
				readOne()
				if !st.busy {
					synctest.Wait() // every stage is now blocked on a send nobody reads
				}
				cancel()
				synctest.Wait()
				closed(t)
			})
		})
	}
}

// TestCancelBeforeStart cancels before anything is read.
func TestCancelBeforeStart(t *testing.T) {
	for _, st := range stages() {
		t.Run(st.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				_, closed := st.build(ctx, endless(ctx))
				cancel()
				synctest.Wait()
				closed(t)
			})
		})
	}
}

// TestEarlyStopThenCancel stops consuming early (Take, TakeWhile, break out of
// Seq) in the middle of a pipeline and then cancels: the stages upstream, which
// were left blocked, must all exit.
func TestEarlyStopThenCancel(t *testing.T) {
	pipeline := func(ctx context.Context) <-chan int {
		sq := chans.Map(ctx, endless(ctx), func(v int) int { return v * v })
		return chans.OrderedMap(ctx, chans.ParallelMap(ctx, sq, 2, id), 2, id)
	}
	t.Run("Take", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			if got := collect(chans.Take(ctx, pipeline(ctx), 5)); len(got) != 5 {
				t.Fatalf("Take delivered %d values, want 5", len(got))
			}
			cancel()
		})
	})
	t.Run("TakeWhile", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			got := collect(chans.TakeWhile(ctx, chans.OrderedMap(ctx, endless(ctx), 2, id), func(v int) bool { return v < 7 }))
			if len(got) != 7 {
				t.Fatalf("TakeWhile delivered %v, want 0..6", got)
			}
			cancel()
		})
	})
	t.Run("Seq", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			n := 0
			for range chans.Seq(ctx, pipeline(ctx)) {
				if n++; n == 3 {
					break
				}
			}
			cancel()
		})
	})
	t.Run("SeqEndsOnCancel", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			n := 0
			for range chans.Seq(ctx, pipeline(ctx)) {
				if n++; n == 3 {
					cancel() // the loop must end by itself
				}
				if n > 3 {
					t.Fatal("Seq yielded a value after cancel")
				}
			}
		})
	})
}
