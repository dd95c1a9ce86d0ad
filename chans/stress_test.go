package chans_test

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/chans"
)

// link is one random stage of a stress pipeline. ordered: it keeps the order
// of its input; complete: it delivers every input value once if not cancelled.
type link struct {
	name              string
	ordered, complete bool
	build             func(ctx context.Context, in <-chan int, r *rand.Rand) <-chan int
}

var links = []link{
	{"Map", true, true, func(ctx context.Context, in <-chan int, _ *rand.Rand) <-chan int {
		return chans.Map(ctx, in, id)
	}},
	{"Filter", true, false, func(ctx context.Context, in <-chan int, _ *rand.Rand) <-chan int {
		return chans.Filter(ctx, in, func(v int) bool { return v%5 != 0 })
	}},
	{"ParallelMap", false, true, func(ctx context.Context, in <-chan int, r *rand.Rand) <-chan int {
		return chans.ParallelMap(ctx, in, 1+r.IntN(5), id)
	}},
	{"OrderedMap", true, true, func(ctx context.Context, in <-chan int, r *rand.Rand) <-chan int {
		return chans.OrderedMap(ctx, in, 1+r.IntN(5), id)
	}},
	{"Take", true, false, func(ctx context.Context, in <-chan int, r *rand.Rand) <-chan int {
		return chans.Take(ctx, in, r.IntN(300))
	}},
	{"TakeWhile", true, false, func(ctx context.Context, in <-chan int, r *rand.Rand) <-chan int {
		limit := r.IntN(300)
		return chans.TakeWhile(ctx, in, func(v int) bool { return v < limit })
	}},
	{"FanOut+Merge", false, true, func(ctx context.Context, in <-chan int, r *rand.Rand) <-chan int {
		return chans.Merge(ctx, chans.FanOut(ctx, in, 1+r.IntN(4))...)
	}},
	{"Broadcast", true, true, func(ctx context.Context, in <-chan int, r *rand.Rand) <-chan int {
		outs := chans.BroadcastBuffered(ctx, in, 2+r.IntN(2), r.IntN(3))
		for _, o := range outs[1:] {
			go chans.Drain(o)
		}
		return outs[0]
	}},
	{"Batch", true, true, func(ctx context.Context, in <-chan int, r *rand.Rand) <-chan int {
		out := make(chan int)
		batches := chans.Batch(ctx, in, 1+r.IntN(10), 0)
		go func() { // flatten, closing out like any operator would
			defer close(out)
			for b := range chans.Seq(ctx, batches) {
				for _, v := range b {
					select {
					case out <- v:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
		return out
	}},
}

// TestStressRandomCancel builds random pipelines of random operators over a
// finite source and cancels them at a random moment while values flow. Every
// run is a synctest bubble, so a goroutine left blocked fails the test; the
// output must close, hold no duplicates or foreign values, keep order when
// every stage does, and be complete when it closed before the cancel.
func TestStressRandomCancel(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	runs := 300
	if testing.Short() {
		runs = 50
	}
	for range runs {
		const n = 500
		var chain []link
		for range 1 + r.IntN(4) {
			chain = append(chain, links[r.IntN(len(links))])
		}
		cancelAfter := r.IntN(2000) // scheduler yields before cancel; some runs finish first
		stageSeeds := r.Uint64()
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			rs := rand.New(rand.NewPCG(stageSeeds, 1))
			var out <-chan int = chans.Generate(ctx, ints(n)...)
			ordered, complete := true, true
			for _, l := range chain {
				out = l.build(ctx, out, rs)
				ordered, complete = ordered && l.ordered, complete && l.complete
			}
			go func() {
				for range cancelAfter {
					runtime.Gosched()
				}
				cancel()
			}()
			seen := make(map[int]bool)
			last := -1
			for v := range out {
				if v < 0 || v >= n || seen[v] {
					t.Fatalf("%v: bad or duplicate value %d", names(chain), v)
				}
				if ordered && v < last {
					t.Fatalf("%v: %d after %d, want input order", names(chain), v, last)
				}
				seen[v], last = true, v
			}
			if ctx.Err() == nil && complete && len(seen) != n {
				t.Fatalf("%v: closed uncancelled after %d of %d values", names(chain), len(seen), n)
			}
			cancel()
		})
	}
}

func names(chain []link) []string {
	s := make([]string, len(chain))
	for i, l := range chain {
		s[i] = l.name
	}
	return s
}
