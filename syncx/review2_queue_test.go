package syncx_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/syncx"
)

// A Put or Take whose ctx ended before Close reaches it has not been satisfied
// before its ctx ended, so by the package's cancellation rule it returns
// ctx.Err(), exactly, however the waiter and Close are scheduled; Close must
// not turn it into ErrClosed (as Signal, Broadcast and the hand-offs skip such
// a waiter).
func TestQueueCloseAfterCancelReportsCtxErr(t *testing.T) {
	for range 100 {
		synctest.Test(t, func(t *testing.T) {
			full := syncx.NewQueue[int](1)
			full.TryPut(1)
			empty := syncx.NewQueue[int](1)
			ctx, cancel := context.WithCancel(context.Background())
			putErr, takeErr := make(chan error, 1), make(chan error, 1)
			go func() { putErr <- full.Put(ctx, 2) }()
			go func() { _, err := empty.Take(ctx); takeErr <- err }()
			synctest.Wait() // both blocked
			cancel()
			full.Close()
			empty.Close()
			if err := <-putErr; !errors.Is(err, context.Canceled) {
				t.Fatalf("Put cancelled before Close = %v, want context.Canceled", err)
			}
			if err := <-takeErr; !errors.Is(err, context.Canceled) {
				t.Fatalf("Take cancelled before Close = %v, want context.Canceled", err)
			}
			// The value queued before still comes out; the cancelled Put's does not.
			if v, ok := full.TryTake(); !ok || v != 1 {
				t.Fatalf("TryTake = %d, %v, want 1", v, ok)
			}
			if _, ok := full.TryTake(); ok {
				t.Fatal("the cancelled Put's value was queued")
			}
		})
	}
}
