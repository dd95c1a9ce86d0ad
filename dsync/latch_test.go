package dsync_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/concurkit/concur/dsync"
)

func TestLatch(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	l := dsync.NewLatch(newSession(t), name, 3)
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx) }()
	for i := range 3 {
		other := dsync.NewLatch(newSession(t), name, 3)
		if c, err := other.Count(ctx); err != nil || c != 3-i {
			t.Fatalf("Count = %d, %v; want %d", c, err, 3-i)
		}
		select {
		case err := <-done:
			t.Fatalf("Wait returned at count %d: %v", 3-i, err)
		default:
		}
		if err := other.CountDown(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	l.Delete(ctx)
	if err := l.Wait(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait after Delete: %v", err)
	}
	if err := dsync.NewLatch(newSession(t), name, 4).CountDown(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Count(ctx); !errors.Is(err, dsync.ErrMismatch) {
		t.Fatalf("Count with another count in etcd: %v", err)
	}
}
