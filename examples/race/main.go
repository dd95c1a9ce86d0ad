// Race shows the lost update, the oldest bug of shared-memory programming,
// and its fix.
//
// Two goroutines share one bank balance: one spends, one earns. "balance +=
// amount" is not one step but three: read the balance, add, write it back.
// When the two goroutines interleave those steps, one write overwrites the
// other and money appears or vanishes. The program first replays such an
// interleaving step by step (a deterministic simulation, so it always shows the
// bug), then runs the real goroutines with the balance guarded by a
// syncx.Mutex, which makes read-add-write one indivisible step.
//
// The truly racy version runs only with -racy. Run it as
//
//	go run -race ./examples/race -racy
//
// and the race detector reports the unsynchronised accesses (a data race is
// undefined behaviour in Go, so the detector, not the final balance, is the
// reliable witness). It is kept out of the tests so that go test -race stays
// green.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/concurkit/concur/syncx"
)

func main() {
	racy := flag.Bool("racy", false, "also run the unsynchronised version (try it with go run -race)")
	rounds := flag.Int("n", 100000, "payments per goroutine")
	flag.Parse()

	run(os.Stdout, *rounds, *racy)
}

// run replays the lost update, then runs n payments each way with the lock
// and, if racy is set, without it.
func run(w io.Writer, n int, racy bool) {
	simulate(w, []step{
		{"spender", read}, {"earner", read},
		{"spender", write}, {"earner", write},
	}, 100, -30, +50)
	fmt.Fprintln(w)
	final := safe(100, n, 30, 30)
	fmt.Fprintf(w, "with syncx.Mutex: %d payments of -30 and %d of +30 leave 100 -> %d\n", n, n, final)
	if racy {
		final := racyRun(100, n, 30, 30)
		fmt.Fprintf(w, "without a lock:   the balance ends at %d (expected 100; the number may even look right: run with -race to see the data race reported)\n", final)
	}
}

// An op is one of the two memory steps of balance += amount.
type op int

const (
	read  op = iota // tmp := balance
	write           // balance = tmp + amount
)

// A step is one memory access by one of the two actors of the simulation.
type step struct {
	who string // "spender" or "earner"
	op  op
}

// simulate replays a schedule of the read and write steps of a spender
// (adding spend, a negative amount) and an earner (adding earn) on a shared
// balance, prints each step, and returns the final balance. Each actor keeps
// what it read in a private register, as a CPU does, so a schedule in which
// both read before either writes loses one of the updates.
func simulate(w io.Writer, schedule []step, start, spend, earn int) int {
	balance := start
	reg := map[string]int{}
	amount := map[string]int{"spender": spend, "earner": earn}
	fmt.Fprintf(w, "balance starts at %d; spender adds %d, earner adds %+d\n", balance, spend, earn)
	for _, s := range schedule {
		switch s.op {
		case read:
			reg[s.who] = balance
			fmt.Fprintf(w, "  %-7s reads  balance = %d\n", s.who, balance)
		case write:
			balance = reg[s.who] + amount[s.who]
			fmt.Fprintf(w, "  %-7s writes balance = %d + %d = %d\n", s.who, reg[s.who], amount[s.who], balance)
		}
	}
	want := start + spend + earn
	if balance == want {
		fmt.Fprintf(w, "final balance %d, as expected\n", balance)
	} else {
		fmt.Fprintf(w, "final balance %d, expected %d: an update was lost\n", balance, want)
	}
	return balance
}

// safe runs a spender and an earner, each making n payments, on a balance
// guarded by a syncx.Mutex, and returns the final balance, which is always
// start - n*spend + n*earn.
func safe(start, n, spend, earn int) int {
	var (
		mu      syncx.Mutex
		balance = start
		wg      syncx.WaitGroup
	)
	pay := func(amount int) {
		for range n {
			mu.Lock()
			balance += amount // read, add and write happen while no one else can.
			mu.Unlock()
		}
	}
	wg.Go(func() { pay(-spend) })
	wg.Go(func() { pay(earn) })
	wg.Wait()
	return balance
}

// racyRun is safe without the lock: a data race. It is only reached through
// the -racy flag and never from a test.
func racyRun(start, n, spend, earn int) int {
	balance := start
	var wg sync.WaitGroup
	pay := func(amount int) {
		for range n {
			balance += amount
		}
	}
	wg.Go(func() { pay(-spend) })
	wg.Go(func() { pay(earn) })
	wg.Wait()
	return balance
}
