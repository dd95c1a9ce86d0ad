package chans_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/chans"
)

// readAll reads every output concurrently until it closes.
func readAll[T any](outs []<-chan T) [][]T {
	got := make([][]T, len(outs))
	var wg sync.WaitGroup
	for i, o := range outs {
		wg.Go(func() { got[i] = collect(o) })
	}
	wg.Wait()
	return got
}

func TestFanOutEachValueToExactlyOneOutput(t *testing.T) {
	const n = 10_000
	outs := chans.FanOut(t.Context(), chans.Generate(t.Context(), ints(n)...), 4)
	var all []int
	for i, got := range readAll(outs) {
		if !slices.IsSorted(got) {
			t.Errorf("output %d out of order", i)
		}
		all = append(all, got...)
	}
	slices.Sort(all)
	if !slices.Equal(all, ints(n)) {
		t.Fatalf("FanOut delivered %d values, want each of %d exactly once", len(all), n)
	}
}

// A stalled consumer withholds at most the one value already taken for it.
func TestFanOutStalledConsumer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		outs := chans.FanOut(ctx, chans.Generate(ctx, ints(100)...), 3)
		got := readAll(outs[1:]) // outs[0] is never read
		if n := len(got[0]) + len(got[1]); n < 99 {
			t.Fatalf("the readers got %d values, want at least 99 of 100", n)
		}
	})
}

func TestBroadcastEveryValueToEveryOutput(t *testing.T) {
	const n = 5_000
	for name, outs := range map[string][]<-chan int{
		"Broadcast":         chans.Broadcast(t.Context(), chans.Generate(t.Context(), ints(n)...), 3),
		"BroadcastBuffered": chans.BroadcastBuffered(t.Context(), chans.Generate(t.Context(), ints(n)...), 3, 16),
	} {
		for i, got := range readAll(outs) {
			if !slices.Equal(got, ints(n)) {
				t.Errorf("%s: output %d got %d values, want all %d in order", name, i, len(got), n)
			}
		}
	}
}

// TestBroadcastLockstep stalls one consumer and lets the other read greedily:
// Broadcast lets it get at most two values ahead, BroadcastBuffered buffer+2
// (one more when the fast consumer's output comes first in the hand-out
// order).
func TestBroadcastLockstep(t *testing.T) {
	for _, buffer := range []int{0, 1, 5} {
		for fast := range 2 {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				var outs []<-chan int
				if buffer == 0 {
					outs = chans.Broadcast(ctx, endless(ctx), 2)
				} else {
					outs = chans.BroadcastBuffered(ctx, endless(ctx), 2, buffer)
				}
				var got int
				go func() {
					for range outs[fast] {
						got++
					}
				}()
				synctest.Wait()
				if got < buffer+1 || got > buffer+2 {
					t.Errorf("buffer=%d: fast consumer %d got %d values while the other read none, want %d or %d", buffer, fast, got, buffer+1, buffer+2)
				}
				cancel()
			})
		}
	}
}

// Consumers may read the outputs in any order: one goroutine reading the
// last output first must not deadlock.
func TestBroadcastAnyReadOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		outs := chans.Broadcast(t.Context(), chans.Generate(t.Context(), 1, 2, 3), 3)
		for v := 1; v <= 3; v++ {
			for i := len(outs) - 1; i >= 0; i-- {
				if got := <-outs[i]; got != v {
					t.Fatalf("output %d: got %d, want %d", i, got, v)
				}
			}
		}
	})
}

// TestBroadcastDropping stalls one consumer: the producer is never held back,
// and every value is either delivered or counted as dropped, per output.
func TestBroadcastDropping(t *testing.T) {
	const n, buffer = 1000, 4
	synctest.Test(t, func(t *testing.T) {
		outs, drops := chans.BroadcastDropping(t.Context(), chans.Generate(t.Context(), ints(n)...), 2, buffer)
		fast := collect(outs[1]) // ends only once in is exhausted: nobody waited for outs[0]
		slow := collect(outs[0])
		if len(slow) > buffer+1 {
			t.Errorf("stalled consumer got %d values, want at most %d", len(slow), buffer+1)
		}
		for i, got := range [][]int{slow, fast} {
			if !slices.IsSorted(got) {
				t.Errorf("output %d out of order", i)
			}
			if int64(len(got))+drops.Count(i) != n {
				t.Errorf("output %d: %d delivered + %d dropped, want %d", i, len(got), drops.Count(i), n)
			}
		}
		if drops.Total() != drops.Count(0)+drops.Count(1) {
			t.Errorf("Total %d != sum of counts", drops.Total())
		}
	})
}
