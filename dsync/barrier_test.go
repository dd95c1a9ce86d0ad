package dsync_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/concurkit/concur/dsync"
)

// TestBarrierRounds: parties meet round after round; each round has one
// arrival of each index.
func TestBarrierRounds(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	const parties, rounds = 4, 5
	arrivals := make([][]int, rounds)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range parties {
		b := dsync.NewBarrier(newSession(t), name, parties)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				a, err := b.Await(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				arrivals[r] = append(arrivals[r], a)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for r, a := range arrivals {
		slices.Sort(a)
		if !slices.Equal(a, []int{0, 1, 2, 3}) {
			t.Errorf("round %d arrivals %v", r, a)
		}
	}
	if n := keysUnder(t, shared.NewClient(t), "barrier", name); n != 1 {
		t.Errorf("%d keys; want only the state key", n)
	}
}

// TestBarrierBreaks: a party whose ctx ends, or whose session is closed,
// breaks the round for the others; the barrier is usable afterwards.
func TestBarrierBreaks(t *testing.T) {
	for _, how := range []string{"cancel", "session", "reset"} {
		t.Run(how, func(t *testing.T) {
			ctx := testCtx(t)
			name := uniqueName(t)
			a := dsync.NewBarrier(newSession(t), name, 3)
			leaverClient, err := shared.Client()
			if err != nil {
				t.Fatal(err)
			}
			leaverSession := sessionTTL(t, leaverClient, crashTTL)
			leaver := dsync.NewBarrier(leaverSession, name, 3)
			adone := make(chan error, 1)
			go func() { _, err := a.Await(ctx); adone <- err }()
			lctx, cancel := context.WithCancel(ctx)
			defer cancel()
			ldone := make(chan error, 1)
			go func() { _, err := leaver.Await(lctx); ldone <- err }()
			waitKeys(t, "barrier", name, 3, adone, ldone) // state + two arrivals
			switch how {
			case "cancel":
				cancel()
				if err := <-ldone; !errors.Is(err, context.Canceled) {
					t.Fatalf("leaver: %v", err)
				}
			case "session":
				// The party's process dies: it can neither break the round
				// nor keep its lease; the others notice when the lease ends.
				leaverClient.Close()
				<-ldone
			case "reset":
				if err := a.Reset(ctx); err != nil {
					t.Fatal(err)
				}
				cancel()
			}
			if err := <-adone; !errors.Is(err, dsync.ErrBrokenBarrier) {
				t.Fatalf("waiting party: %v, want ErrBrokenBarrier", err)
			}
			// A fresh round of one-party barriers... of 3 still works.
			var wg sync.WaitGroup
			for range 3 {
				b := dsync.NewBarrier(newSession(t), name, 3)
				wg.Go(func() {
					if _, err := b.Await(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
		})
	}
}
