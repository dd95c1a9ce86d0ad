// Select shows the four everyday uses of Go's select statement: a timeout, a
// non-blocking operation, fan-in of two sources, and switching off an input
// that has closed by setting its channel variable to nil.
//
// select waits until one of its cases can proceed. With a case on
// time.After it gives up after a deadline; with a default case it never waits
// at all. Receiving from two channels in one select merges them (fan-in),
// whichever has a value first. A closed channel is always ready (it yields
// zero values forever), so a loop that keeps selecting on it spins; setting
// the variable to nil disables the case, because a nil channel is never ready,
// and the loop ends when both inputs are nil. The program counts the rounds of
// the fan-in loop to show that it does not spin.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"time"
)

func main() {
	timeout := flag.Duration("timeout", 100*time.Millisecond, "how long to wait for a slow reply")
	flag.Parse()
	run(os.Stdout, *timeout)
}

// reply returns a channel on which v arrives after delay.
func reply(v string, delay time.Duration) <-chan string {
	ch := make(chan string, 1) // buffered: the sender can finish even if nobody waits any more
	go func() {
		time.Sleep(delay)
		ch <- v
	}()
	return ch
}

// receiveWithin waits at most d for a value on ch.
func receiveWithin(ch <-chan string, d time.Duration) (string, bool) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v, true
	case <-timer.C:
		return "", false
	}
}

// tryReceive takes a value from ch only if one is ready now.
func tryReceive(ch <-chan int) (int, bool) {
	select {
	case v := <-ch:
		return v, true
	default:
		return 0, false
	}
}

// source sends vals on a new channel and closes it.
func source(vals ...int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for _, v := range vals {
			ch <- v
		}
	}()
	return ch
}

// merge forwards every value of a and b to the returned channel, in whatever
// order they arrive, and closes it when both are closed. When it closes the
// output, *rounds holds the number of times its select loop ran.
func merge(a, b <-chan int, rounds *int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		n := 0
		for a != nil || b != nil {
			n++
			select {
			case v, ok := <-a:
				if !ok {
					a = nil // closed: never select it again
					continue
				}
				out <- v
			case v, ok := <-b:
				if !ok {
					b = nil
					continue
				}
				out <- v
			}
		}
		*rounds = n // written before close(out), so readable after out is drained
	}()
	return out
}

// run demonstrates each use of select.
func run(w io.Writer, timeout time.Duration) {
	if _, ok := receiveWithin(reply("slow answer", 2*timeout), timeout); !ok {
		fmt.Fprintf(w, "timeout: no reply within %v, gave up\n", timeout)
	}
	if v, ok := receiveWithin(reply("quick answer", timeout/10), timeout); ok {
		fmt.Fprintf(w, "timeout: got %q within %v\n", v, timeout)
	}

	ch := make(chan int, 1)
	if _, ok := tryReceive(ch); !ok {
		fmt.Fprintln(w, "default: nothing ready, moved on without waiting")
	}
	ch <- 42
	if v, ok := tryReceive(ch); ok {
		fmt.Fprintf(w, "default: %d was ready and taken\n", v)
	}

	var rounds int
	var got []int
	for v := range merge(source(1, 3, 5), source(2, 4, 6, 8, 10), &rounds) {
		got = append(got, v)
	}
	slices.Sort(got) // arrival order depends on scheduling
	fmt.Fprintf(w, "fan-in: merged %v\n", got)
	fmt.Fprintf(w, "nil channels: the loop ran %d times for %d values and 2 closes, no spinning on closed inputs\n",
		rounds, len(got))
}
