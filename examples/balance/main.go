// Balance shows how to wait for a condition on shared state: a withdrawal
// waits until the account holds enough money, and gives up at a deadline.
//
// Polling the balance in a loop wastes CPU and reacts late; a condition
// variable lets the withdrawal sleep until a deposit announces a change. The
// rules of the pattern: hold the lock while testing the condition, call Wait
// in a loop (a wake-up says "something changed", not "your condition holds"),
// and announce every change with Broadcast when waiters may wait for different
// things. syncx.Cond adds what sync.Cond lacks: Wait takes a context, so a
// withdrawal with a deadline stops waiting when the deadline passes, with the
// lock held again and the balance untouched.
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
	deposit := flag.Int("deposit", 30, "amount of each deposit")
	n := flag.Int("n", 4, "number of deposits")
	every := flag.Duration("every", 100*time.Millisecond, "pause before each deposit")
	want := flag.Int("want", 100, "amount of each of the two withdrawals")
	patience := flag.Duration("patience", time.Second, "deadline of each withdrawal")
	flag.Parse()
	run(os.Stdout, *deposit, *n, *every, *want, *patience)
}

// Account is a bank account whose withdrawals wait for enough money.
type Account struct {
	mu      syncx.Mutex
	changed *syncx.Cond // announced after every change of balance
	balance int
	log     io.Writer // events, written under mu so they appear in the order they happened
	start   time.Time
}

// NewAccount returns an empty account that logs its events to w.
func NewAccount(w io.Writer) *Account {
	a := &Account{log: w, start: time.Now()}
	a.changed = syncx.NewCond(&a.mu)
	return a
}

func (a *Account) logf(format string, args ...any) {
	fmt.Fprintf(a.log, "%5dms  ", time.Since(a.start).Milliseconds())
	fmt.Fprintf(a.log, format+"\n", args...)
}

// Deposit adds amount and wakes every waiting withdrawal: each re-checks
// whether the balance now covers what it asks for.
func (a *Account) Deposit(amount int) {
	a.mu.Lock()
	a.balance += amount
	a.logf("deposit  %4d -> balance %d", amount, a.balance)
	a.mu.Unlock()
	a.changed.Broadcast()
}

// Withdraw takes amount out of the account, waiting until the balance covers
// it or ctx ends. On ctx's end it returns ctx.Err() and leaves the balance as
// it was.
func (a *Account) Withdraw(ctx context.Context, amount int) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.logf("withdraw %4d asked, balance %d", amount, a.balance)
	for a.balance < amount {
		if err := a.changed.Wait(ctx); err != nil {
			// Wait locked a.mu again before returning, so reading balance is safe.
			a.logf("withdraw %4d gave up: %v; balance still %d", amount, err, a.balance)
			return err
		}
	}
	a.balance -= amount
	a.logf("withdraw %4d done -> balance %d", amount, a.balance)
	return nil
}

// run makes n deposits of deposit, one every every, while a customer makes two
// withdrawals of want, one after the other, each allowed to wait patience. It
// returns the errors of the two withdrawals.
func run(w io.Writer, deposit, n int, every time.Duration, want int, patience time.Duration) [2]error {
	acct := NewAccount(w)
	var wg syncx.WaitGroup
	wg.Go(func() {
		for range n {
			time.Sleep(every)
			acct.Deposit(deposit)
		}
	})
	var errs [2]error
	for i := range errs {
		ctx, cancel := context.WithTimeout(context.Background(), patience)
		errs[i] = acct.Withdraw(ctx, want)
		cancel()
	}
	wg.Wait()
	return errs
}
