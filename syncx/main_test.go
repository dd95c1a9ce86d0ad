package syncx_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine started by them is still
// running at the end: every wait in syncx must let its goroutines exit.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
