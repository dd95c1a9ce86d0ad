package panics

import (
	"bytes"
	"errors"
	"io"
	"iter"
	"runtime"
	"testing"

	"github.com/concurkit/concur/syncx"
)

func panicDeepInUserCode() { panic(io.ErrUnexpectedEOF) }

// catchIn runs f in a goroutine of its own through Catch and reports what
// ended was told.
func catchIn(f func()) (pe *syncx.PanicError, goexit, called bool) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		Catch(f, func(p *syncx.PanicError, g bool) { pe, goexit, called = p, g, true })
	}()
	<-done
	return pe, goexit, called
}

func TestCatchTellsReturnPanicAndGoexitApart(t *testing.T) {
	if pe, goexit, called := catchIn(func() {}); !called || pe != nil || goexit {
		t.Errorf("return: ended(%v, %v), called %v", pe, goexit, called)
	}
	pe, goexit, called := catchIn(panicDeepInUserCode)
	if !called || goexit || pe == nil || !errors.Is(pe, io.ErrUnexpectedEOF) {
		t.Fatalf("panic: ended(%v, %v), called %v", pe, goexit, called)
	}
	if !bytes.Contains(pe.Stack, []byte("panicDeepInUserCode")) {
		t.Errorf("the stack does not show the panicking frame:\n%s", pe.Stack)
	}
	if pe, goexit, called := catchIn(runtime.Goexit); !called || pe != nil || !goexit {
		t.Errorf("Goexit: ended(%v, %v), called %v", pe, goexit, called)
	}
	//lint:ignore SA2001 panic(nil) is the input under test
	if pe, goexit, _ := catchIn(func() { panic(nil) }); goexit || pe == nil {
		t.Errorf("panic(nil) taken for Goexit: ended(%v, %v)", pe, goexit)
	}
}

// A capture forwarded through another recover keeps its own stack.
func TestForwardKeepsTheFirstCapture(t *testing.T) {
	first, _, _ := catchIn(panicDeepInUserCode)
	again, _, _ := catchIn(func() { Forward(first) })
	if again != first {
		t.Fatalf("Capture of a forwarded panic made a new PanicError: %v", again)
	}
}

func yieldThenPanic(yield func(int) bool) {
	if yield(1) {
		panicDeepInUserCode()
	}
}

func cleanupPanics(yield func(int) bool) {
	defer panicDeepInUserCode()
	for yield(1) {
	}
}

// Pulled with iter.Pull, a wrapped sequence's panic reaches the puller with
// the sequence's frames, whether it happens while producing a value or in the
// cleanup that stop runs.
func TestSeqKeepsTheSequenceFrames(t *testing.T) {
	for name, seq := range map[string]iter.Seq[int]{"produce": yieldThenPanic, "cleanup": cleanupPanics} {
		next, stop := iter.Pull(Seq(seq))
		pe, _, _ := catchIn(func() {
			defer stop()
			next()
			next()
		})
		if pe == nil || !errors.Is(pe, io.ErrUnexpectedEOF) {
			t.Fatalf("%s: captured %v", name, pe)
		}
		if !bytes.Contains(pe.Stack, []byte("panicDeepInUserCode")) {
			t.Errorf("%s: the stack does not show the sequence's frames:\n%s", name, pe.Stack)
		}
	}
}
