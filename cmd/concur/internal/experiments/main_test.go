package experiments

import (
	"testing"

	"go.uber.org/goleak"
)

// The test binary is the program the process variants re-execute, so it
// must play the child when asked; and every goroutine an experiment starts
// must have exited when the tests end.
func TestMain(m *testing.M) {
	RunChildIfAsked()
	goleak.VerifyTestMain(m)
}
