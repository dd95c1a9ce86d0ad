// Primes is the concurrent prime sieve: a pipeline that grows a new filtering
// stage for every prime it finds.
//
// A generator goroutine sends 2, 3, 4, ... down a channel. The first number to
// come out is prime; the program starts a filter goroutine that removes its
// multiples, and reads on from that filter's output. The next number to come
// out is again prime, gets its own filter, and so on: after n primes the
// numbers flow through a chain of n filters, all running at once. Channels are
// first-class values here: each stage is handed the channel of the stage
// before it, and the main loop replaces the channel it reads from as the
// pipeline grows. When enough primes are found, cancelling the context stops
// every stage; a syncx.WaitGroup shows that they all exited.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/concurkit/concur/syncx"
)

func main() {
	n := flag.Int("n", 25, "how many primes to find")
	flag.Parse()
	run(os.Stdout, *n)
}

// generate sends 2, 3, 4, ... until ctx ends, then closes its channel.
func generate(ctx context.Context, wg *syncx.WaitGroup) <-chan int {
	out := make(chan int)
	wg.Go(func() {
		defer close(out)
		for i := 2; ; i++ {
			select {
			case out <- i:
			case <-ctx.Done():
				return
			}
		}
	})
	return out
}

// filter passes on the values of in that are not multiples of prime, until in
// closes or ctx ends, then closes its channel.
func filter(ctx context.Context, wg *syncx.WaitGroup, in <-chan int, prime int) <-chan int {
	out := make(chan int)
	wg.Go(func() {
		// Closing out on the way out lets the next stage's range end: a stage
		// that waits to receive sees the end of its input, not ctx.
		defer close(out)
		for v := range in {
			if v%prime == 0 {
				continue
			}
			select {
			case out <- v:
			case <-ctx.Done():
				return
			}
		}
	})
	return out
}

// sieve returns the first n primes and the number of goroutines the pipeline
// used. It returns only after all of them have exited.
func sieve(n int) (primes []int, goroutines int) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg syncx.WaitGroup
	ch := generate(ctx, &wg)
	goroutines = 1
	for range n {
		p := <-ch // whatever survives every filter so far is prime
		primes = append(primes, p)
		ch = filter(ctx, &wg, ch, p)
		goroutines++
	}
	// Every stage is blocked sending to the next; cancelling releases them,
	// and each close lets the stage after it finish too.
	cancel()
	wg.Wait()
	return primes, goroutines
}

// run finds the first n primes and prints them.
func run(w io.Writer, n int) {
	primes, g := sieve(n)
	fmt.Fprintf(w, "the first %d primes: %v\n", n, primes)
	fmt.Fprintf(w, "pipeline: 1 generator + %d filters = %d goroutines, all exited after cancel\n", g-1, g)
}
