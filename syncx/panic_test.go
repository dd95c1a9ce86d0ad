package syncx_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/concurkit/concur/syncx"
)

// recoverInto runs f as a WaitGroup task and stores the *PanicError that Wait
// re-raises.
func recoverInto(dst **syncx.PanicError, f func()) {
	defer func() {
		if v := recover(); v != nil {
			*dst = v.(*syncx.PanicError)
		}
	}()
	var wg syncx.WaitGroup
	wg.Go(f)
	wg.Wait()
}

func panickingTaskForTest() { panic(io.ErrUnexpectedEOF) }

func TestPanicErrorTextShowsValueAndStack(t *testing.T) {
	var pe *syncx.PanicError
	recoverInto(&pe, panickingTaskForTest)
	if pe == nil {
		t.Fatal("no panic recorded")
	}
	text := fmt.Sprint(pe)
	if !strings.HasPrefix(text, io.ErrUnexpectedEOF.Error()) {
		t.Errorf("text does not start with the panic value: %q", text[:min(len(text), 80)])
	}
	if !strings.Contains(text, "panickingTaskForTest") {
		t.Errorf("text does not show the panicking function's frame:\n%s", text)
	}
	if pe.Error() != text {
		t.Errorf("Error() and %%v differ")
	}
}

func TestPanicErrorUnwrap(t *testing.T) {
	var pe *syncx.PanicError
	recoverInto(&pe, panickingTaskForTest)
	if !errors.Is(pe, io.ErrUnexpectedEOF) {
		t.Errorf("errors.Is does not reach the original error")
	}
	recoverInto(&pe, func() { panic("plain string") })
	if pe.Unwrap() != nil {
		t.Errorf("Unwrap of a non-error value = %v, want nil", pe.Unwrap())
	}
	if pe.Value != "plain string" {
		t.Errorf("Value = %v", pe.Value)
	}
}
