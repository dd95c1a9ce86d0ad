package syncx_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
)

func TestLatchOpensAtZero(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := syncx.NewLatch(2)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		errs := make(chan error, 2)
		go func() { errs <- l.Wait(context.Background()) }()
		go func() { errs <- l.Wait(ctx) }()
		synctest.Wait() // durably blocked
		l.CountDown()
		synctest.Wait()
		if len(errs) != 0 || l.Count() != 1 {
			t.Fatalf("after one CountDown: %d returned, Count %d", len(errs), l.Count())
		}
		l.CountDown()
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		// Open for good; but a ctx that has ended fails first (the
		// package's cancellation rule).
		if err := l.Wait(context.Background()); err != nil {
			t.Fatalf("Wait on an open latch = %v", err)
		}
		cancel()
		if err := l.Wait(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait(done ctx) on an open latch = %v, want context.Canceled", err)
		}
	})
}

func TestLatchWaitTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := syncx.NewLatch(1)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait = %v", err)
		}
		if time.Since(start) != time.Second {
			t.Fatalf("gave up after %v", time.Since(start))
		}
		l.CountDown()
		if err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// CountDown racing Wait: a lost wake-up deadlocks the bubble.
func TestLatchNoLostWakeup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for range 3000 {
			l := syncx.NewLatch(1)
			go l.CountDown()
			if err := l.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestLatchMisusePanics(t *testing.T) {
	semExpectPanic(t, "NewLatch(-1)", func() { syncx.NewLatch(-1) })
	l := syncx.NewLatch(0)
	semExpectPanic(t, "CountDown below zero", l.CountDown)
	if l.Count() != 0 {
		t.Fatalf("Count = %d after a rejected CountDown", l.Count())
	}
}
