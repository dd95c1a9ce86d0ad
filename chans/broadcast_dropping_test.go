package chans_test

import (
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
