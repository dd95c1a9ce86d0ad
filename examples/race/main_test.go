package main

import (
	"bytes"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestSimulateLostUpdate(t *testing.T) {
	var out bytes.Buffer
	got := simulate(&out, []step{
		{"spender", read}, {"earner", read},
		{"spender", write}, {"earner", write},
	}, 100, -30, 50)
	// The earner read 100 before the spender wrote 70, so its write of 150
	// erases the payment.
	if got != 150 {
		t.Errorf("interleaved schedule: final balance %d, want 150 (spender's update lost)", got)
	}
	for _, want := range []string{
		"spender reads  balance = 100",
		"earner  reads  balance = 100",
		"spender writes balance = 100 + -30 = 70",
		"earner  writes balance = 100 + 50 = 150",
		"final balance 150, expected 120: an update was lost",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestSimulateSerialScheduleIsCorrect(t *testing.T) {
	var out bytes.Buffer
	got := simulate(&out, []step{
		{"spender", read}, {"spender", write},
		{"earner", read}, {"earner", write},
	}, 100, -30, 50)
	if got != 120 {
		t.Errorf("serial schedule: final balance %d, want 120", got)
	}
	if !strings.Contains(out.String(), "final balance 120, as expected") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestSafeNeverLosesAnUpdate(t *testing.T) {
	for range 5 {
		if got := safe(100, 2000, 30, 20); got != 100-2000*30+2000*20 {
			t.Fatalf("safe: final balance %d, want %d", got, 100-2000*30+2000*20)
		}
	}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	run(&out, 500, false) // racy stays false: the data race must never run under go test -race.
	for _, want := range []string{
		"an update was lost",
		"with syncx.Mutex: 500 payments of -30 and 500 of +30 leave 100 -> 100\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "without a lock") {
		t.Errorf("the racy variant ran:\n%s", out.String())
	}
}
