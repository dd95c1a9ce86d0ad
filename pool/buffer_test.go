package pool_test

import (
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/pool"
)

// A large pool does not allocate its queue of waiting tasks in proportion to
// its workers: the queue holds at most 1024 tasks. (The old New(1_000_000)
// allocated 32 MB up front.)
func TestNewLargePoolAllocatesLittle(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	p := pool.New(1_000_000)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Errorf("New(1_000_000) allocated %d bytes", n)
	}
	p.Wait()
}

// With 300 workers the queue holds 1024 tasks, not 4*300: once 300 tasks run
// and 1024 wait, Go blocks.
func TestPoolQueueIsCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const workers, waiting = 300, 1024
		p := pool.New(workers)
		release := make(chan struct{})
		var running, submitted atomic.Int64
		go func() {
			for range workers + waiting + 1 {
				p.Go(func() { running.Add(1); <-release })
				submitted.Add(1)
			}
		}()
		synctest.Wait()
		if r, s := running.Load(), submitted.Load(); r != workers || s != workers+waiting {
			t.Errorf("%d tasks running and Go returned %d times, want %d and %d", r, s, workers, workers+waiting)
		}
		close(release)
		synctest.Wait()
		p.Wait()
	})
}
