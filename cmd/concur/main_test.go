package main

import (
	"testing"

	"github.com/concurkit/concur/cmd/concur/internal/experiments"

	"go.uber.org/goleak"
)

// Every goroutine a workload, a pipeline or the progress bar starts must
// have exited when the tests end. The test binary also plays the child
// processes of the lab's experiments.
func TestMain(m *testing.M) {
	experiments.RunChildIfAsked()
	goleak.VerifyTestMain(m)
}
