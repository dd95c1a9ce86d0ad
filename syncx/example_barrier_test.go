package syncx_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/concurkit/concur/syncx"
)

// Three workers compute in phases; the barrier's action runs between phases,
// once, before any worker starts the next phase.
func ExampleBarrier() {
	const workers = 3
	partial := make([]int, workers)
	phase := 0
	b := syncx.NewBarrier(workers, func() {
		total := 0
		for _, p := range partial {
			total += p
		}
		fmt.Printf("phase %d: total %d\n", phase, total)
		phase++
	})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for p := range 2 {
				partial[w] = (w + 1) * (p + 1)
				if _, err := b.Await(context.Background()); err != nil {
					return // the round broke
				}
			}
		})
	}
	wg.Wait()
	// Output:
	// phase 0: total 6
	// phase 1: total 12
}
