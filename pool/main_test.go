package pool_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine started by them is still
// running at the end: Wait, ForEach, Map and the Seq forms must all leave none
// behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
