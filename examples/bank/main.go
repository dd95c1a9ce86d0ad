// Bank shows the lock-order deadlock and how the lock checker finds it
// before it happens.
//
// A transfer locks the payer's account, then the payee's. Alice paying Bob
// takes alice then bob; Bob paying Alice at the same moment takes bob then
// alice, and if each has taken its first lock, both wait forever. The
// deadlock needs that exact timing, so tests rarely hit it; but the order
// of the locks is wrong on every run. Built with -tags concur_lockcheck,
// syncx records the order in which locks are nested and reports the cycle
// the first time the inverted order is taken, here with two transfers that
// run one after the other and could never deadlock themselves:
//
//	go run -tags concur_lockcheck ./examples/bank
//
// The fix is one global order: lock the account with the smaller number
// first. The program then runs the same transfers that way, which the
// checker accepts.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/concurkit/concur/syncx"
)

func main() {
	run(os.Stdout)
}

// An account is a balance guarded by its own lock.
type account struct {
	mu      syncx.Mutex
	id      int
	name    string
	balance int
}

func newAccount(id int, name string, balance int) *account {
	a := &account{id: id, name: name, balance: balance}
	a.mu.SetName(name)
	return a
}

// transfer locks from, then to: the order depends on the direction.
func transfer(from, to *account, amount int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

// orderedTransfer locks the account with the smaller id first, whatever the
// direction: every goroutine nests the locks in the same order.
func orderedTransfer(from, to *account, amount int) {
	first, second := from, to
	if to.id < from.id {
		first, second = to, from
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

// run makes two transfers in opposite directions, first with transfer, then
// with orderedTransfer, and prints what the lock checker reports.
func run(w io.Writer) {
	if !syncx.LockCheckEnabled() {
		fmt.Fprintln(w, "(built without -tags concur_lockcheck: lock order is not checked)")
	}
	reports := 0
	restore := syncx.OnLockReport(func(r *syncx.LockReport) {
		reports++
		fmt.Fprintln(w, r)
	})
	defer restore()

	for _, fix := range []bool{false, true} {
		move, how := transfer, "transfer (payer first)"
		if fix {
			move, how = orderedTransfer, "orderedTransfer (smaller id first)"
		}
		alice, bob := newAccount(1, "alice", 100), newAccount(2, "bob", 100)
		before := reports
		fmt.Fprintf(w, "== %s: alice pays bob 30, then bob pays alice 10\n", how)
		move(alice, bob, 30)
		move(bob, alice, 10)
		fmt.Fprintf(w, "balances: alice %d, bob %d; lock reports: %d\n", alice.balance, bob.balance, reports-before)
	}
}
