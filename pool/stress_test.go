package pool_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concurkit/concur/pool"
	"github.com/concurkit/concur/syncx"
)

// TestStressRandomCancellation runs ForEach, Map and the Seq forms many times
// with random sizes, limits, failing items and cancellation times, and checks
// what must hold in every run: the limit, every item at most once (exactly
// once when nothing went wrong), results in order, no call still running on
// return, no new start after a stop beyond one per worker, and an error that
// says why work was skipped.
func TestStressRandomCancellation(t *testing.T) {
	rounds := 300
	if testing.Short() {
		rounds = 50
	}
	seed := stressSeed(t)
	rng := rand.New(rand.NewPCG(seed, 0))
	for round := range rounds {
		n := rng.IntN(300)
		limit := 1 + rng.IntN(8)
		failAt := -1
		if rng.IntN(3) == 0 && n > 0 {
			failAt = rng.IntN(n)
		}
		cancelAfter := -1 // cancel when this many items have started
		if rng.IntN(3) == 0 && n > 0 {
			cancelAfter = rng.IntN(n)
		}
		kind := rng.IntN(4)
		name := fmt.Sprintf("round %d: kind=%d n=%d limit=%d failAt=%d cancelAfter=%d", round, kind, n, limit, failAt, cancelAfter)

		ctx, cancel := context.WithCancel(context.Background())
		var g gauge
		var started, afterStop atomic.Int64
		runs := make([]atomic.Int32, n)
		f := func(ctx context.Context, v int) (int, error) {
			if ctx.Err() != nil {
				// Started after the stop: possible only for a call
				// whose worker had checked just before it.
				afterStop.Add(1)
			}
			g.enter()
			defer g.leave()
			runs[v].Add(1)
			if s := started.Add(1); int(s) == cancelAfter {
				cancel()
			}
			if v%7 == 0 {
				runtime.Gosched()
			}
			if v == failAt {
				return 0, errTask
			}
			return v + 1, nil
		}
		var res []int
		var err error
		switch kind {
		case 0:
			res, err = pool.Map(ctx, ints(n), limit, f)
		case 1:
			res, err = pool.MapSeq(ctx, slices.Values(ints(n)), limit, f)
		case 2:
			err = pool.ForEach(ctx, ints(n), limit, func(ctx context.Context, v int) error { _, err := f(ctx, v); return err })
		case 3:
			err = pool.ForEachSeq(ctx, slices.Values(ints(n)), limit, func(ctx context.Context, v int) error { _, err := f(ctx, v); return err })
		}
		cancel()

		if g.cur.Load() != 0 {
			t.Fatalf("%s: a call still running after return", name)
		}
		if g.max.Load() > int64(limit) {
			t.Fatalf("%s: %d calls at once", name, g.max.Load())
		}
		// Calls already past their check when the stop came may still
		// start: at most one per worker.
		if afterStop.Load() > int64(limit) {
			t.Fatalf("%s: %d calls started after the stop", name, afterStop.Load())
		}
		total := 0
		for i := range runs {
			c := runs[i].Load()
			if c > 1 {
				t.Fatalf("%s: item %d ran %d times", name, i, c)
			}
			total += int(c)
		}
		if failAt >= 0 && runs[failAt].Load() == 1 && !errors.Is(err, errTask) {
			t.Fatalf("%s: the failing item ran but err = %v", name, err)
		}
		if total < n && err == nil {
			t.Fatalf("%s: %d of %d items ran and err is nil", name, total, n)
		}
		if failAt < 0 && cancelAfter < 0 && (err != nil || total != n) {
			t.Fatalf("%s: nothing went wrong but err = %v, %d of %d ran", name, err, total, n)
		}
		if kind <= 1 {
			if kind == 0 && len(res) != n || len(res) > n {
				t.Fatalf("%s: %d results", name, len(res))
			}
			for i, v := range res {
				if runs[i].Load() == 1 && i != failAt && v != i+1 || runs[i].Load() == 0 && v != 0 {
					t.Fatalf("%s: result %d = %d", name, i, v)
				}
			}
		}
	}
}

// TestStressPool submits tasks from several goroutines, some of which panic
// or call runtime.Goexit, over several rounds of one pool.
func TestStressPool(t *testing.T) {
	seed := stressSeed(t)
	rng := rand.New(rand.NewPCG(seed, 1))
	p := pool.New(1 + rng.IntN(6))
	for round := range 50 {
		n := rng.IntN(200)
		panicAt, exitAt := rng.IntN(400), rng.IntN(400)
		var g gauge
		var ran atomic.Int64
		var wg syncx.WaitGroup
		for s := range 3 {
			wg.Go(func() {
				for i := s; i < n; i += 3 {
					p.Go(func() {
						g.enter()
						defer g.leave()
						ran.Add(1)
						if i%5 == 0 {
							runtime.Gosched()
						}
						switch i {
						case panicAt:
							panic(i)
						case exitAt:
							runtime.Goexit()
						}
					})
				}
			})
		}
		wg.Wait()
		v := catch(p.Wait)
		if ran.Load() != int64(n) || g.cur.Load() != 0 {
			t.Fatalf("round %d: %d of %d tasks ran, %d still running", round, ran.Load(), n, g.cur.Load())
		}
		if panicAt < n { // (the panic case comes first when panicAt == exitAt)
			if pe, ok := v.(*syncx.PanicError); !ok || pe.Value != panicAt {
				t.Fatalf("round %d: Wait panicked with %v, want task %d's panic", round, v, panicAt)
			}
		} else if v != nil {
			t.Fatalf("round %d: Wait panicked with %v", round, v)
		}
	}
}

// stressSeed returns a random seed, or $POOL_STRESS_SEED to replay a failure.
func stressSeed(t *testing.T) uint64 {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("POOL_STRESS_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("seed %d (replay with POOL_STRESS_SEED=%[1]d)", seed)
	return seed
}
