package dsync_test

import (
	"errors"
	"testing"

	"github.com/concurkit/concur/dsync"
)

// TestLatchMismatchLeavesOthersAlone: a process that counts down a latch
// with another count gets ErrMismatch and does not disturb those that came
// first (their Count and Wait keep working).
func TestLatchMismatchLeavesOthersAlone(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	three := dsync.NewLatch(newSession(t), name, 3)
	if err := three.CountDown(ctx); err != nil {
		t.Fatal(err)
	}
	five := dsync.NewLatch(newSession(t), name, 5)
	if err := five.CountDown(ctx); !errors.Is(err, dsync.ErrMismatch) {
		t.Fatalf("CountDown with another count: %v, want ErrMismatch", err)
	}
	if c, err := three.Count(ctx); err != nil || c != 2 {
		t.Fatalf("Count after a mismatched CountDown = %d, %v; want 2, nil", c, err)
	}
}

// TestMismatchDoesNotFailWaiters: a request with other settings that meets
// waiting requests in etcd fails, and the waiters go on waiting and are
// granted in turn.
func TestMismatchDoesNotFailWaiters(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	holder := dsync.NewSemaphore(newSession(t), name, 1)
	waiter := dsync.NewSemaphore(newSession(t), name, 1)
	if _, err := holder.Acquire(ctx, 1); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := waiter.Acquire(ctx, 1)
		done <- err
	}()
	waitKeys(t, "semaphore", name, 2, done)
	if _, err := dsync.NewSemaphore(newSession(t), name, 2).Acquire(ctx, 1); !errors.Is(err, dsync.ErrMismatch) {
		t.Fatalf("Acquire with other permits: %v", err)
	}
	if err := holder.Release(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the waiter, after a mismatched request came and went: %v", err)
	}
	if err := waiter.Release(ctx, 1); err != nil {
		t.Fatal(err)
	}

	// An RWMutex reader of another policy must neither fail a waiting
	// writer nor be granted beside the holder's policy.
	rwName := uniqueName(t)
	rholder := dsync.NewRWMutex(newSession(t), rwName, dsync.WriterPreferring)
	if _, err := rholder.RLock(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := dsync.NewRWMutex(newSession(t), rwName, dsync.ReaderPreferring).RLock(ctx); !errors.Is(err, dsync.ErrMismatch) {
		t.Fatalf("RLock with another policy beside a reader: %v, want ErrMismatch", err)
	}
	rholder.RUnlock(ctx)
}

// TestCallsAfterLeaseRevoked: once the session's lease is gone, calls
// return ErrSessionLost, also before the session has noticed (its Done
// closes only at the next keep-alive).
func TestCallsAfterLeaseRevoked(t *testing.T) {
	ctx := testCtx(t)
	s := newSession(t)
	if _, err := shared.NewClient(t).Revoke(ctx, s.Lease()); err != nil {
		t.Fatal(err)
	}
	if _, err := dsync.NewMutex(s, uniqueName(t)).Lock(ctx); !errors.Is(err, dsync.ErrSessionLost) {
		t.Errorf("Mutex.Lock: %v, want ErrSessionLost", err)
	}
	if _, err := dsync.NewSemaphore(s, uniqueName(t), 2).TryAcquire(ctx, 1); !errors.Is(err, dsync.ErrSessionLost) {
		t.Errorf("Semaphore.TryAcquire: %v, want ErrSessionLost", err)
	}
	if _, err := dsync.NewRWMutex(s, uniqueName(t), dsync.WriterPreferring).RLock(ctx); !errors.Is(err, dsync.ErrSessionLost) {
		t.Errorf("RWMutex.RLock: %v, want ErrSessionLost", err)
	}
	if _, err := dsync.NewBarrier(s, uniqueName(t), 2).Await(ctx); !errors.Is(err, dsync.ErrSessionLost) {
		t.Errorf("Barrier.Await: %v, want ErrSessionLost", err)
	}
}

// TestMismatchBehindAHolderDoesNotFailNewcomers: a request with other
// settings that is still in etcd (it fails and removes its key a moment
// later) does not fail a newcomer with the right settings when the
// primitive's own keys came before it.
func TestMismatchBehindAHolderDoesNotFailNewcomers(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	c := shared.NewClient(t)
	holder := dsync.NewSemaphore(newSession(t), name, 1)
	if _, err := holder.Acquire(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// The key of a request for 1 of 2 permits, as its process writes it
	// just before it sees the holder's key and fails.
	stray := name + "\x00semaphore\x00q/stray"
	if _, err := c.Put(ctx, stray, "s 1 2 0"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	newcomer := dsync.NewSemaphore(newSession(t), name, 1)
	go func() {
		_, err := newcomer.Acquire(ctx, 1)
		done <- err
	}()
	waitKeys(t, "semaphore", name, 3, done)
	if _, err := c.Delete(ctx, stray); err != nil {
		t.Fatal(err)
	}
	if err := holder.Release(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("newcomer behind a holder and a mismatched request: %v", err)
	}
	newcomer.Release(ctx, 1)
}
