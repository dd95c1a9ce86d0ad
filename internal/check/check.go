// Package check holds the argument checks that concur's packages share, so that
// a misuse panics with the same phrasing everywhere: the package name, the
// operation, and what was wrong. It also holds the one rule for the
// concurrency argument of chans and pool (Workers).
package check

import "context"

// Context panics when ctx is nil. pkg is the package name (for example
// "syncx") and op the operation (for example "Semaphore.Acquire"); the message
// reads "syncx: Semaphore.Acquire with nil context". Call it before touching
// any state, so that a recovered panic leaves the value usable.
func Context(ctx context.Context, pkg, op string) {
	if ctx == nil {
		panic(pkg + ": " + op + " with nil context")
	}
}
