package syncx_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
)

// Parties meet for many rounds; in each the action runs once, before anyone is
// released, and the arrival indices are a permutation of 0..parties-1.
func TestBarrierRounds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const parties, rounds = 5, 300
		var actions atomic.Int64
		b := syncx.NewBarrier(parties, func() {
			// Sleeping in a bubble lets every goroutine that can run do so
			// first: a party released before the action ends would see it.
			time.Sleep(time.Millisecond)
			actions.Add(1)
		})
		if b.Parties() != parties {
			t.Fatalf("Parties = %d", b.Parties())
		}
		arrivals := make([][]int, rounds)
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range parties {
			wg.Go(func() {
				for r := range rounds {
					a, err := b.Await(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					// The action of round r ran before this release and
					// the one of round r+1 cannot run before we arrive again.
					if got := actions.Load(); got != int64(r+1) {
						t.Errorf("round %d: %d actions ran", r, got)
					}
					mu.Lock()
					arrivals[r] = append(arrivals[r], a)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		for r, as := range arrivals {
			slices.Sort(as)
			if !slices.Equal(as, []int{0, 1, 2, 3, 4}) {
				t.Fatalf("round %d: arrival indices %v", r, as)
			}
		}
	})
}

func TestBarrierDurableAndWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := syncx.NewBarrier(3, nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		res1, res2 := make(chan int, 1), make(chan int, 1)
		go func() { a, _ := b.Await(context.Background()); res1 <- a }()
		synctest.Wait()
		go func() { a, _ := b.Await(ctx); res2 <- a }()
		synctest.Wait() // both durably blocked
		if b.Waiting() != 2 {
			t.Fatalf("Waiting = %d, want 2", b.Waiting())
		}
		a, err := b.Await(context.Background())
		if err != nil || a != 0 {
			t.Fatalf("last Await = %d, %v", a, err)
		}
		if first, second := <-res1, <-res2; first != 2 || second != 1 {
			t.Fatalf("arrivals %d, %d, want 2, 1", first, second)
		}
		if b.Waiting() != 0 || b.Broken() {
			t.Fatalf("after the round: Waiting=%d Broken=%v", b.Waiting(), b.Broken())
		}
	})
}

// One party's ctx ending breaks the round for all; the barrier is then usable.
func TestBarrierCancelBreaksRound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := syncx.NewBarrier(3, nil)
		errs := make(chan error, 1)
		go func() { _, err := b.Await(context.Background()); errs <- err }()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		if _, err := b.Await(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Await = %v, want DeadlineExceeded", err)
		}
		if time.Since(start) != time.Second {
			t.Fatalf("gave up after %v", time.Since(start))
		}
		if err := <-errs; !errors.Is(err, syncx.ErrBrokenBarrier) {
			t.Fatalf("other party got %v, want ErrBrokenBarrier", err)
		}
		if !b.Broken() || b.Waiting() != 0 {
			t.Fatalf("Broken=%v Waiting=%d", b.Broken(), b.Waiting())
		}
		// A party arriving with a ctx that has ended breaks a round that has
		// waiters, and does not join it.
		go func() { _, err := b.Await(context.Background()); errs <- err }()
		synctest.Wait()
		if b.Broken() {
			t.Fatal("Broken after a new round started")
		}
		if _, err := b.Await(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Await with ended ctx = %v", err)
		}
		if err := <-errs; !errors.Is(err, syncx.ErrBrokenBarrier) {
			t.Fatalf("other party got %v, want ErrBrokenBarrier", err)
		}
		// Usable again.
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				if _, err := b.Await(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	})
}

// A ctx that ends as the round completes either breaks the round (and then
// every party sees it) or comes too late (and then changes nothing, not even
// in the next round, which the other party has already entered).
func TestBarrierLateCancelDoesNotBreakNextRound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var broke, passed int
		for range 200 {
			b := syncx.NewBarrier(2, nil)
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			aErrs := make(chan error, 2)
			go func() {
				_, err := b.Await(ctx) // its deadline is when B arrives
				aErrs <- err
				if err == nil {
					_, err = b.Await(context.Background())
					aErrs <- err
				}
			}()
			time.Sleep(time.Second)
			bctx, bcancel := context.WithTimeout(context.Background(), time.Hour)
			_, errB := b.Await(bctx)
			errA := <-aErrs
			switch {
			case errA == nil && errB == nil:
				passed++
				// Round 2: B is in it at once; A's late cancel must not
				// break it.
				if _, err := b.Await(bctx); err != nil {
					t.Fatalf("round 2 for B: %v", err)
				}
				if err := <-aErrs; err != nil {
					t.Fatalf("round 2 for A: %v", err)
				}
			case errors.Is(errA, context.DeadlineExceeded) &&
				(errors.Is(errB, syncx.ErrBrokenBarrier) || errors.Is(errB, context.DeadlineExceeded)):
				broke++
			default:
				t.Fatalf("inconsistent round: A %v, B %v", errA, errB)
			}
			cancel()
			bcancel()
		}
		t.Logf("rounds passed %d, broken %d", passed, broke)
	})
}

// The last arrival racing the others: a lost wake-up deadlocks the bubble.
func TestBarrierNoLostWakeup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		b := syncx.NewBarrier(2, nil)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				c := context.Background()
				if i == 1 {
					c = ctx
				}
				for range 3000 {
					if _, err := b.Await(c); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	})
}

func TestBarrierReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := syncx.NewBarrier(3, nil)
		b.Reset() // nobody waits: nothing to break
		if b.Broken() {
			t.Fatal("Reset of an idle barrier made it broken")
		}
		errs := make(chan error, 2)
		for range 2 {
			go func() { _, err := b.Await(context.Background()); errs <- err }()
		}
		synctest.Wait()
		b.Reset()
		for range 2 {
			if err := <-errs; !errors.Is(err, syncx.ErrBrokenBarrier) {
				t.Fatalf("waiter got %v, want ErrBrokenBarrier", err)
			}
		}
		if b.Broken() {
			t.Fatal("Broken = true after Reset: Reset starts a fresh round")
		}
	})
}

// A panicking action breaks the round and the panic goes on in the last
// arrival's goroutine.
func TestBarrierActionPanic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := syncx.NewBarrier(2, func() { panic("action failed") })
		errs := make(chan error, 1)
		go func() { _, err := b.Await(context.Background()); errs <- err }()
		synctest.Wait()
		v := wgRecoverPanic(func() { _, _ = b.Await(context.Background()) })
		if v != "action failed" {
			t.Fatalf("last arrival panicked with %v", v)
		}
		if err := <-errs; !errors.Is(err, syncx.ErrBrokenBarrier) {
			t.Fatalf("other party got %v, want ErrBrokenBarrier", err)
		}
		if !b.Broken() {
			t.Fatal("Broken = false after the action panicked")
		}
	})
}

func TestBarrierMisusePanics(t *testing.T) {
	semExpectPanic(t, "NewBarrier(0)", func() { syncx.NewBarrier(0, nil) })
}

// One op is a round of 8 parties.
func BenchmarkBarrier(b *testing.B) {
	bar := syncx.NewBarrier(8, nil)
	ctx := context.Background()
	b.ReportAllocs()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range b.N {
				if _, err := bar.Await(ctx); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// A ctx that ends while the round's action runs comes after the round
// completed: the waiting parties, whichever way they sleep, are released when
// the action returns, and the next round is unaffected.
func TestBarrierCancelDuringActionKeepsOutcome(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inAction, finish := make(chan struct{}), make(chan struct{})
		first := true
		b := syncx.NewBarrier(3, func() {
			if first {
				first = false
				close(inAction)
				<-finish
			}
		})
		ctx, cancel := context.WithCancel(context.Background())
		results := make(chan error, 2)
		go func() { _, err := b.Await(ctx); results <- err }()
		go func() { _, err := b.Await(context.Background()); results <- err }()
		synctest.Wait()
		last := make(chan error, 1)
		go func() { _, err := b.Await(context.Background()); last <- err }()
		<-inAction
		cancel()
		synctest.Wait()
		select {
		case err := <-results:
			t.Fatalf("a party returned (%v) before the action did", err)
		default:
		}
		close(finish)
		for range 2 {
			if err := <-results; err != nil {
				t.Fatalf("waiting party: %v, want nil: the round completed before ctx ended", err)
			}
		}
		if err := <-last; err != nil {
			t.Fatalf("last arrival: %v", err)
		}
		if b.Broken() {
			t.Fatal("Broken after a completed round")
		}
		next := make(chan error, 3)
		for range 3 {
			go func() { _, err := b.Await(context.Background()); next <- err }()
		}
		for range 3 {
			if err := <-next; err != nil {
				t.Fatalf("next round: %v", err)
			}
		}
	})
}
