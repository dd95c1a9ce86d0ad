package check

import (
	"context"
	"testing"
)

func TestContextNilPanicsWithPackageAndOperation(t *testing.T) {
	defer func() {
		got := recover()
		if got != "syncx: Semaphore.Acquire with nil context" {
			t.Fatalf("panic = %v", got)
		}
	}()
	//lint:ignore SA1012 the nil context is the input under test
	Context(nil, "syncx", "Semaphore.Acquire") //nolint:staticcheck
	t.Fatal("no panic")
}

func TestContextNonNilIsSilent(t *testing.T) {
	Context(context.Background(), "syncx", "Mutex.LockContext")
}
