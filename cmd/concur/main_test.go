package main

import (
	"testing"

	"go.uber.org/goleak"
)

// Every goroutine a workload, a pipeline or the progress bar starts must
// have exited when the tests end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
