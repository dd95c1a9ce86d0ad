package check

import (
	"context"
	"runtime"
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

func TestMisusePhrasing(t *testing.T) {
	defer func() {
		if got := recover(); got != "chans: Take with n < 0" {
			t.Fatalf("panic = %v", got)
		}
	}()
	Misuse("chans", "Take", "with n < 0")
	t.Fatal("no panic")
}

func TestWorkers(t *testing.T) {
	for in, want := range map[int]int{1: 1, 7: 7, 0: runtime.GOMAXPROCS(0), -3: runtime.GOMAXPROCS(0)} {
		if got := Workers(in); got != want {
			t.Errorf("Workers(%d) = %d, want %d", in, got, want)
		}
	}
}
