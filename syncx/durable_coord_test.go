package syncx_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
)

// Every coordination wait in syncx is durable: in one bubble, goroutines block
// in each of them at once (with a context that can end and with one that
// cannot), synctest.Wait returns, and fake-time deadlines end them all at the
// same instant.
func TestCoordinationWaitsAreDurable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sem := syncx.NewSemaphore(0)
		var wg syncx.WaitGroup
		wg.Add(1)
		bar := syncx.NewBarrier(100, nil)
		latch := syncx.NewLatch(1)
		empty := syncx.NewQueue[int](1)
		full := syncx.NewQueue[int](1)
		full.TryPut(0)

		waits := map[string]func(ctx context.Context) error{
			"Semaphore.Acquire":     func(ctx context.Context) error { return sem.Acquire(ctx, 1) },
			"WaitGroup.WaitContext": wg.WaitContext,
			"Barrier.Await":         func(ctx context.Context) error { _, err := bar.Await(ctx); return err },
			"Latch.Wait":            latch.Wait,
			"Queue.Take":            func(ctx context.Context) error { _, err := empty.Take(ctx); return err },
			"Queue.Put":             func(ctx context.Context) error { return full.Put(ctx, 1) },
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		start := time.Now()
		var all sync.WaitGroup
		for name, wait := range waits {
			all.Go(func() {
				if err := wait(ctx); err != context.DeadlineExceeded {
					t.Errorf("%s with a deadline: %v", name, err)
				} else if d := time.Since(start); d != time.Hour {
					t.Errorf("%s gave up after %v", name, d)
				}
			})
		}
		// Waits that no context can end: WaitGroup.Wait and the
		// Background-context forms.
		released := make(chan string, 10)
		all.Go(func() { wg.Wait(); released <- "Wait" })
		all.Go(func() { _ = sem.Acquire(context.Background(), 1); released <- "Acquire" })
		synctest.Wait() // returns only if every goroutine above is durably blocked
		if len(released) != 0 {
			t.Fatalf("%s returned early", <-released)
		}
		time.Sleep(time.Hour) // the deadline passes; the timed waits end
		synctest.Wait()
		wg.Done()
		sem.Release(1)
		all.Wait()
	})
}
