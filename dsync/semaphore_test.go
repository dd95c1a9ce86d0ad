package dsync_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concurkit/concur/dsync"
)

// TestSemaphoreConservation: clients acquiring random weights never hold
// more than the permits together, and all permits come back.
func TestSemaphoreConservation(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	const permits, clients, rounds = 5, 8, 8
	var inUse atomic.Int64
	var wg sync.WaitGroup
	for i := range clients {
		s := dsync.NewSemaphore(newSession(t), name, permits)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 1))
			for range rounds {
				n := 1 + r.Int64N(3)
				if _, err := s.Acquire(ctx, n); err != nil {
					t.Error(err)
					return
				}
				if v := inUse.Add(n); v > permits {
					t.Errorf("%d permits in use of %d", v, permits)
				}
				inUse.Add(-n)
				if err := s.Release(ctx, n); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := keysUnder(t, shared.NewClient(t), "semaphore", name); n != 0 {
		t.Fatalf("%d keys left", n)
	}
}

// TestSemaphoreFIFO: a waiter for many permits is not overtaken by a later
// waiter for few, even when the few would fit.
func TestSemaphoreFIFO(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	holder := dsync.NewSemaphore(newSession(t), name, 3)
	big := dsync.NewSemaphore(newSession(t), name, 3)
	small := dsync.NewSemaphore(newSession(t), name, 3)
	if _, err := holder.Acquire(ctx, 2); err != nil {
		t.Fatal(err)
	}
	bigDone := make(chan error, 1)
	go func() { _, err := big.Acquire(ctx, 3); bigDone <- err }()
	waitKeys(t, "semaphore", name, 2, bigDone)
	// One permit is free, but the big waiter is ahead.
	if _, err := small.TryAcquire(ctx, 1); !errors.Is(err, dsync.ErrWouldBlock) {
		t.Fatalf("TryAcquire overtook a waiter: %v", err)
	}
	smallDone := make(chan error, 1)
	go func() { _, err := small.Acquire(ctx, 1); smallDone <- err }()
	waitKeys(t, "semaphore", name, 3)
	select {
	case err := <-smallDone:
		t.Fatalf("small waiter overtook the big one (err %v)", err)
	default:
	}
	if err := holder.Release(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := <-bigDone; err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-smallDone:
		t.Fatalf("small waiter got a permit while big holds all (err %v)", err)
	default:
	}
	// A partial release lets the small waiter in.
	if err := big.Release(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := <-smallDone; err != nil {
		t.Fatal(err)
	}
	big.Release(ctx, 2)
	small.Release(ctx, 1)
}

// waitKeys waits until the primitive has n keys (requests queued). A call
// that should be waiting but returned already is reported with its error.
func waitKeys(t *testing.T, kind, name string, n int64, waiting ...chan error) {
	t.Helper()
	c := shared.NewClient(t)
	deadline := time.Now().Add(30 * time.Second)
	for keysUnder(t, c, kind, name) != n {
		for _, ch := range waiting {
			select {
			case err := <-ch:
				t.Fatalf("a call returned while it should wait: %v", err)
			default:
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("never saw %d keys", n)
		}
		wctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		<-c.Watch(wctx, name+"\x00"+kind+"\x00", clientvPrefix())
		cancel()
	}
}
