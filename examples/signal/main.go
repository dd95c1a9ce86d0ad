// Signal shows the lost wake-up: a signal sent before anyone waits for it.
//
// One goroutine finishes a job and signals; another waits for that signal. If
// the signal happens first, what the waiter sees depends on the primitive. A
// semaphore created with 0 permits remembers it: Release stores a permit,
// and the later Acquire takes it without waiting. A bare condition variable
// remembers nothing: Signal with no waiter does nothing, and the waiter then
// sleeps forever (here, until its deadline). The cure for a condition variable
// is the rule of its pattern: wait for a condition on state (a "done" flag set
// under the lock), never for the wake-up itself. The program forces the
// unlucky order (signal first) every time.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/concurkit/concur/syncx"
)

func main() {
	timeout := flag.Duration("timeout", 500*time.Millisecond, "how long the waiter waits")
	flag.Parse()
	run(os.Stdout, *timeout)
}

// signalFirst starts a sender goroutine, lets it finish, and only then starts
// a waiter goroutine that waits at most timeout. It reports whether the waiter
// received the signal. send and wait are the two halves of the handshake.
func signalFirst(timeout time.Duration, send func(), wait func(context.Context) error) bool {
	sent := make(chan struct{})
	go func() {
		send()
		close(sent)
	}()
	<-sent // the signal has happened; nobody waits yet

	got := make(chan bool)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		got <- wait(ctx) == nil
	}()
	return <-got
}

// withSemaphore signals through a semaphore with 0 permits.
func withSemaphore(timeout time.Duration) bool {
	sem := syncx.NewSemaphore(0)
	return signalFirst(timeout,
		func() { sem.Release(1) }, // stored: the count becomes 1
		func(ctx context.Context) error { return sem.Acquire(ctx, 1) },
	)
}

// withBareCond signals through a condition variable and nothing else.
func withBareCond(timeout time.Duration) bool {
	var mu syncx.Mutex
	cond := syncx.NewCond(&mu)
	return signalFirst(timeout,
		func() { cond.Signal() }, // no waiter: the wake-up goes nowhere
		func(ctx context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			return cond.Wait(ctx)
		},
	)
}

// withCondAndFlag signals through a condition variable guarding a flag: the
// waiter checks the flag first and waits only while it is false.
func withCondAndFlag(timeout time.Duration) bool {
	var mu syncx.Mutex
	cond := syncx.NewCond(&mu)
	done := false
	return signalFirst(timeout,
		func() {
			mu.Lock()
			done = true
			mu.Unlock()
			cond.Signal()
		},
		func(ctx context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			for !done {
				if err := cond.Wait(ctx); err != nil {
					return err
				}
			}
			return nil
		},
	)
}

// run tries the three handshakes with the signal sent first and prints
// whether the waiter received it.
func run(w io.Writer, timeout time.Duration) map[string]bool {
	fmt.Fprintf(w, "the signal is sent before the waiter starts; the waiter gives up after %v\n", timeout)
	results := map[string]bool{}
	for _, c := range []struct {
		name string
		try  func(time.Duration) bool
	}{
		{"semaphore with 0 permits", withSemaphore},
		{"bare condition variable", withBareCond},
		{"condition variable + flag", withCondAndFlag},
	} {
		ok := c.try(timeout)
		results[c.name] = ok
		verdict := "signal kept: the waiter went on at once"
		if !ok {
			verdict = "signal LOST: the waiter slept until its deadline"
		}
		fmt.Fprintf(w, "  %-26s %s\n", c.name+":", verdict)
	}
	return results
}
