package syncx_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
)

// Parties that sleep in the cond (Background) and parties that sleep on a
// channel (random deadlines) share a barrier while Reset breaks rounds at
// random, so rounds are broken, completed and recycled in every order. Every
// completed round must hand out each arrival index exactly once and run the
// action once; a broken round hands out none.
func TestBarrierStressRecycledRounds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const parties, iterations = 4, 300
		var actions atomic.Int64
		b := syncx.NewBarrier(parties, func() { actions.Add(1) })
		var released [parties]atomic.Int64
		record := func(a int, err error, ctxErr error) {
			switch {
			case err == nil:
				released[a].Add(1)
			case errors.Is(err, syncx.ErrBrokenBarrier):
			case ctxErr != nil && errors.Is(err, ctxErr):
			default:
				t.Errorf("Await: %v", err)
			}
		}
		var timed, untimed sync.WaitGroup
		for i := range parties {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			if i%2 == 0 {
				untimed.Go(func() {
					for range iterations {
						a, err := b.Await(context.Background())
						record(a, err, nil)
					}
				})
				continue
			}
			timed.Go(func() {
				for range iterations {
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rng.IntN(50))*time.Microsecond)
					a, err := b.Await(ctx)
					record(a, err, ctx.Err())
					cancel()
					time.Sleep(time.Duration(rng.IntN(20)) * time.Microsecond)
				}
			})
		}
		stop := make(chan struct{})
		var resetter sync.WaitGroup
		resetter.Go(func() {
			rng := rand.New(rand.NewPCG(99, 7))
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Duration(1+rng.IntN(200)) * time.Microsecond):
					b.Reset()
				}
			}
		})
		timed.Wait()
		close(stop)
		resetter.Wait()
		// The untimed parties may now wait for rounds nobody else will join:
		// break those rounds until they are through.
		finished := make(chan struct{})
		go func() { untimed.Wait(); close(finished) }()
		for {
			synctest.Wait()
			select {
			case <-finished:
			default:
				b.Reset()
				continue
			}
			break
		}
		want := actions.Load()
		for a := range released {
			if got := released[a].Load(); got != want {
				t.Errorf("arrival index %d released %d times, want %d (once per completed round)", a, got, want)
			}
		}
		t.Logf("%d rounds completed", want)
		if want == 0 {
			t.Error("no round completed")
		}
		if b.Waiting() != 0 {
			t.Errorf("Waiting = %d at the end", b.Waiting())
		}
	})
}
