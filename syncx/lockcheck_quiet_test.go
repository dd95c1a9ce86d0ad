//go:build concur_lockcheck

package syncx_test

import "github.com/concurkit/concur/syncx"

// Some tests of the package lock recursively on purpose (a LockContext on a
// held lock, to test its timeout). With the checker compiled in, the default
// handler would panic on them; the tests of the checker install their own
// handler with OnLockReport, and every other test runs with this quiet one.
func init() {
	syncx.OnLockReport(func(*syncx.LockReport) {})
}
