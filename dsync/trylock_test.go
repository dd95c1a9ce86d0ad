package dsync_test

import (
	"context"
	"errors"
	"testing"

	"github.com/concurkit/concur/dsync"
)

// TestTryAcquireNotFailedByOtherTries: a TryAcquire whose permits are free
// and that no waiter precedes succeeds, however many TryAcquires that must
// fail run beside it.
func TestTryAcquireNotFailedByOtherTries(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	holder := dsync.NewSemaphore(newSession(t), name, 2)
	if _, err := holder.Acquire(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Asks for 2 of 2 while 1 is held: it must always fail.
	big := dsync.NewSemaphore(newSession(t), name, 2)
	bctx, stop := context.WithCancel(ctx)
	bigDone := make(chan struct{})
	go func() {
		defer close(bigDone)
		for bctx.Err() == nil {
			if _, err := big.TryAcquire(bctx, 2); err == nil {
				t.Error("TryAcquire(2) granted while 1 of 2 is held")
				return
			}
		}
	}()
	small := dsync.NewSemaphore(newSession(t), name, 2)
	var failed int
	for range 40 {
		_, err := small.TryAcquire(ctx, 1)
		switch {
		case errors.Is(err, dsync.ErrWouldBlock):
			failed++
		case err != nil:
			t.Fatal(err)
		default:
			if err := small.Release(ctx, 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	stop()
	<-bigDone
	if failed > 0 {
		t.Errorf("TryAcquire(1) with 1 of 2 free failed %d of 40 times", failed)
	}
	holder.Release(ctx, 1)
}

// TestTryRLockNotFailedByOtherTries: with only readers holding, a TryRLock
// succeeds however many writers' TryLocks (that must fail) run beside it.
func TestTryRLockNotFailedByOtherTries(t *testing.T) {
	for _, p := range []dsync.Policy{dsync.WriterPreferring, dsync.ReaderPreferring} {
		t.Run(p.String(), func(t *testing.T) {
			ctx := testCtx(t)
			name := uniqueName(t)
			holder := dsync.NewRWMutex(newSession(t), name, p)
			if _, err := holder.RLock(ctx); err != nil {
				t.Fatal(err)
			}
			writer := dsync.NewRWMutex(newSession(t), name, p)
			wctx, stop := context.WithCancel(ctx)
			writerDone := make(chan struct{})
			go func() {
				defer close(writerDone)
				for wctx.Err() == nil {
					if _, err := writer.TryLock(wctx); err == nil {
						t.Error("TryLock granted beside a reader")
						return
					}
				}
			}()
			reader := dsync.NewRWMutex(newSession(t), name, p)
			var failed int
			for range 40 {
				_, err := reader.TryRLock(ctx)
				switch {
				case errors.Is(err, dsync.ErrWouldBlock):
					failed++
				case err != nil:
					t.Fatal(err)
				default:
					if err := reader.RUnlock(ctx); err != nil {
						t.Fatal(err)
					}
				}
			}
			stop()
			<-writerDone
			if failed > 0 {
				t.Errorf("TryRLock beside a reader failed %d of 40 times", failed)
			}
			holder.RUnlock(ctx)
		})
	}
}
