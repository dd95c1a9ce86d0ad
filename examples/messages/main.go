// Messages walks through the basics of message passing with Go channels:
// unbuffered versus buffered channels, channel directions, and the two ways to
// say "no more messages" (closing the channel, or sending a poison pill).
//
// An unbuffered channel is a rendezvous: a send completes only when a receiver
// takes the value, so it also synchronises the two goroutines. A buffered
// channel decouples them up to its capacity: sends complete at once until the
// buffer is full. Declaring a parameter as chan<- (send-only) or <-chan
// (receive-only) lets the compiler check who does what. To end a stream, the
// sender closes the channel: every receiver, however many, sees the end (range
// stops, v, ok := <-ch gives ok == false). A poison pill, a special value
// meaning "stop", works too but needs one pill per consumer and reserves a
// value that can then never be sent as data. Share memory by communicating.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	n := flag.Int("n", 10, "values to send in the closing and poison-pill demos")
	consumers := flag.Int("consumers", 3, "consumer goroutines")
	flag.Parse()
	run(os.Stdout, *n, *consumers)
}

// unbuffered shows that a send on an unbuffered channel needs a receiver.
func unbuffered(w io.Writer) {
	ping, pong := make(chan string), make(chan string)
	select {
	case ping <- "ping":
	default:
		fmt.Fprintln(w, "unbuffered: no receiver yet, so a send would block")
	}
	go func() {
		for msg := range ping {
			pong <- msg + " -> pong"
		}
		close(pong)
	}()
	for i := range 3 {
		ping <- fmt.Sprintf("ping %d", i) // returns only once the echo goroutine has the value
		fmt.Fprintf(w, "unbuffered: %s\n", <-pong)
	}
	close(ping)
	<-pong // closed by the echo goroutine as it exits
}

// buffered shows that sends on a buffered channel complete at once until the
// buffer is full, and that values come out in the order they went in.
func buffered(w io.Writer, capacity int) {
	ch := make(chan int, capacity)
	sent := 0
	for trySend(ch, sent) {
		sent++
	}
	fmt.Fprintf(w, "buffered: %d sends completed with nobody receiving; len %d, cap %d; the next would block\n",
		sent, len(ch), cap(ch))
	close(ch) // the buffered values can still be received after close
	var got []int
	for v := range ch {
		got = append(got, v)
	}
	fmt.Fprintf(w, "buffered: received %v in FIFO order\n", got)
}

// trySend sends v on ch if that can be done without blocking.
func trySend(ch chan<- int, v int) bool {
	select {
	case ch <- v:
		return true
	default:
		return false
	}
}

// produce sends 1..n on out and closes it. out is send-only: produce cannot
// receive from it by mistake.
func produce(out chan<- int, n int) {
	for i := 1; i <= n; i++ {
		out <- i
	}
	close(out) // the sender closes, never the receiver
}

// consume adds up what arrives on in until in is closed. in is receive-only:
// consume cannot send on it or close it.
func consume(in <-chan int, sums chan<- int) {
	sum := 0
	for v := range in {
		sum += v
	}
	sums <- sum
}

// closing fans 1..n out to consumers goroutines through one channel, ended by
// a single close, and returns the total they received.
func closing(w io.Writer, n, consumers int) int {
	ch, sums := make(chan int), make(chan int)
	go produce(ch, n)
	for range consumers {
		go consume(ch, sums)
	}
	total := 0
	for range consumers {
		total += <-sums
	}
	_, ok := <-ch
	fmt.Fprintf(w, "close: %d consumers received 1..%d, total %d; one close stopped them all; a receive now gives ok=%v\n",
		consumers, n, total, ok)
	return total
}

// pill is the poison value; it can never be sent as data.
const pill = -1

// poisonPill does the same as closing with sentinels: the producer must know
// how many consumers there are and send each its own pill.
func poisonPill(w io.Writer, n, consumers int) int {
	ch, sums := make(chan int), make(chan int)
	go func() {
		for i := 1; i <= n; i++ {
			ch <- i
		}
		for range consumers {
			ch <- pill // one each: a consumer that takes a pill stops reading
		}
	}()
	for range consumers {
		go func() {
			sum := 0
			for v := <-ch; v != pill; v = <-ch {
				sum += v
			}
			sums <- sum
		}()
	}
	total := 0
	for range consumers {
		total += <-sums
	}
	fmt.Fprintf(w, "poison pill: %d consumers received 1..%d, total %d; it took %d pills\n", consumers, n, total, consumers)
	return total
}

// run shows each lesson in turn.
func run(w io.Writer, n, consumers int) {
	unbuffered(w)
	buffered(w, 3)
	closing(w, n, consumers)
	poisonPill(w, n, consumers)
}
