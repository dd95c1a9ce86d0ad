package syncx_test

import (
	"context"
	"sync"
	"testing"

	"github.com/concurkit/concur/syncx"
)

// A permit passed from Release to a blocked Acquire carries the releaser's
// writes with it, also when Acquire sleeps with a context that cannot end and
// is woken by a hand-off. Under -race, a missing happens-before edge makes
// the plain counter below a reported data race.
func TestSemaphoreHandOffPublishes(t *testing.T) {
	for _, ctx := range []context.Context{context.Background(), t.Context()} {
		const goroutines, rounds = 16, 200
		s := syncx.NewSemaphore(1)
		counter := 0 // guarded by s
		var wg sync.WaitGroup
		for range goroutines {
			wg.Go(func() {
				for range rounds {
					if err := s.Acquire(ctx, 1); err != nil {
						t.Error(err)
						return
					}
					counter++
					s.Release(1)
				}
			})
		}
		wg.Wait()
		if counter != goroutines*rounds {
			t.Fatalf("counter = %d, want %d", counter, goroutines*rounds)
		}
	}
}

// The same for Barrier: every party's writes before Await are visible to
// every party after it, whether the parties slept in a cond or on a channel.
func TestBarrierPublishes(t *testing.T) {
	for _, ctx := range []context.Context{context.Background(), t.Context()} {
		const parties, rounds = 6, 200
		b := syncx.NewBarrier(parties, nil)
		slots := make([]int, parties) // slot i written by party i between barriers
		var wg sync.WaitGroup
		for i := range parties {
			wg.Go(func() {
				for r := 1; r <= rounds; r++ {
					slots[i] = r
					if _, err := b.Await(ctx); err != nil {
						t.Error(err)
						return
					}
					for j, v := range slots {
						if v != r {
							t.Errorf("round %d: party %d sees slot %d = %d", r, i, j, v)
							return
						}
					}
					if _, err := b.Await(ctx); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	}
}
