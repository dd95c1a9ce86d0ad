package chans_test

import (
	"context"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/chans"
)

// The first value is kept for every consumer, however soon after
// BroadcastDropping it comes: nothing has been held for them yet. (The old
// engine dropped it whenever its relay goroutine had not started yet.)
func TestBroadcastDroppingKeepsTheFirstValue(t *testing.T) {
	lost, n := 0, rounds(2000)
	for i := range n {
		in := make(chan int)
		outs, drops := chans.BroadcastDropping(t.Context(), in, 2, 0)
		in <- i
		close(in)
		for o, out := range outs {
			if got := collect(out); len(got) != 1 || got[0] != i || drops.Count(o) != 0 {
				lost++
			}
		}
	}
	if lost > 0 {
		t.Fatalf("the first value was lost for %d of %d consumers", lost, 2*n)
	}
}

// A consumer waiting in receive never misses a value, and buffer+1 more are
// held for it: send buffer+2 values back to back while the consumers wait, and
// each gets them all. (The old engine dropped the second value whenever the
// relay that had taken the first had not handed it over yet.)
func TestBroadcastDroppingWaitingConsumerMissesNothing(t *testing.T) {
	for _, buffer := range []int{0, 1, 3} {
		synctest.Test(t, func(t *testing.T) {
			in := make(chan int)
			outs, drops := chans.BroadcastDropping(t.Context(), in, 2, buffer)
			got := make([][]int, len(outs))
			for o, out := range outs {
				go func() {
					for v := range out {
						got[o] = append(got[o], v)
					}
				}()
			}
			sent := 0
			for range rounds(500) {
				synctest.Wait() // every consumer waits in receive
				for range buffer + 2 {
					in <- sent
					sent++
				}
			}
			close(in)
			synctest.Wait()
			for o := range outs {
				if len(got[o]) != sent || drops.Count(o) != 0 {
					t.Errorf("buffer %d, output %d: got %d of %d values, %d dropped", buffer, o, len(got[o]), sent, drops.Count(o))
				}
			}
		})
	}
}

// After ctx ends, the values held for a consumer that did not read them are
// discarded and its channel closed; until then they sit in the channel and a
// consumer may still receive them (on a loaded machine nearly all of them:
// the doc no longer says they are discarded as soon as ctx ends).
func TestBroadcastDroppingDiscardsHeldValuesAfterCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		in := make(chan int)
		outs, drops := chans.BroadcastDropping(ctx, in, 2, 2)
		for i := range 3 { // buffer+1 values held for each consumer
			in <- i
		}
		if v := <-outs[1]; v != 0 { // received after the put, before the end
			t.Fatalf("received %d, want 0", v)
		}
		cancel()
		synctest.Wait() // the operator has seen the end
		for o, out := range outs {
			if got := collect(out); len(got) != 0 {
				t.Errorf("output %d gave %v after the end was seen, want nothing", o, got)
			}
		}
		if drops.Total() != 0 {
			t.Errorf("%d drops counted; discarded values are not drops", drops.Total())
		}
	})
}
