package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/concurkit/concur/syncx"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestRun: with the checker, the inverted order of the naive transfers is
// reported, naming both accounts and the lines of transfer that lock them;
// the ordered transfers are not. Without it, nothing is reported.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	run(&out)
	got := out.String()
	naive, ordered, ok := strings.Cut(got, "== orderedTransfer")
	if !ok {
		t.Fatalf("output lacks the ordered run:\n%s", got)
	}
	for _, want := range []string{"balances: alice 80, bob 120", "lock reports: 0"} {
		if !strings.Contains(ordered, want) {
			t.Errorf("ordered run lacks %q:\n%s", want, got)
		}
	}
	if !syncx.LockCheckEnabled() {
		if !strings.Contains(naive, "lock reports: 0") || !strings.Contains(naive, "built without") {
			t.Errorf("without the tag:\n%s", got)
		}
		return
	}
	for _, want := range []string{
		"lock order cycle of 2 locks",
		`"alice"`, `"bob"`,
		"bank.transfer",
		"bank/main.go:",
		"lock reports: 1",
	} {
		if !strings.Contains(naive, want) {
			t.Errorf("naive run lacks %q:\n%s", want, got)
		}
	}
}
