//go:build !concur_lockcheck

package syncx_test

import (
	"fmt"
	"strings"

	"github.com/concurkit/concur/syncx"
)

// Two code paths take the same two locks in opposite orders. Run one after
// the other they never deadlock, but with -tags concur_lockcheck the second
// order is reported the moment it is taken. (This example exists twice, for
// the builds with and without the tag; only the output differs.)
func ExampleOnLockReport() {
	var accounts, audit syncx.Mutex
	accounts.SetName("accounts")
	audit.SetName("audit log")

	var reports []*syncx.LockReport
	restore := syncx.OnLockReport(func(r *syncx.LockReport) { reports = append(reports, r) })
	defer restore()

	// Path 1: update the accounts, then log.
	accounts.Lock()
	audit.Lock()
	audit.Unlock()
	accounts.Unlock()

	// Path 2: rotate the log, then read a balance.
	audit.Lock()
	accounts.Lock()
	accounts.Unlock()
	audit.Unlock()

	if !syncx.LockCheckEnabled() {
		fmt.Println("no report: built without -tags concur_lockcheck")
	}
	name := func(l any) string {
		if l == &accounts {
			return `"accounts"`
		}
		return `"audit log"`
	}
	for _, r := range reports {
		names := []string{}
		for _, l := range append(r.Locks, r.Locks[0]) {
			names = append(names, name(l))
		}
		fmt.Printf("%v: %s\n", r.Kind, strings.Join(names, " -> "))
	}
	// Output:
	// no report: built without -tags concur_lockcheck
}
