package check

import "runtime"

// Workers is the one rule for the concurrency argument of chans and pool,
// named workers everywhere: it returns how many goroutines run the work at
// once, which is workers, or runtime.GOMAXPROCS(0) (the number of goroutines
// that can run in parallel) when workers <= 0.
//
// A default rather than a panic: 0 is what an unset configuration field
// holds, and the parallelism of the machine is the right bound for the CPU-bound
// work these functions are mostly given.
func Workers(workers int) int {
	if workers <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return workers
}
