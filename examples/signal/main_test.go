package main

import (
	"bytes"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// The order "signal, then wait" is forced by signalFirst, so the results are
// deterministic; the bubble makes the one-hour deadline of the lost signal pass
// in no real time, and proves that no goroutine is left behind.
func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		start := time.Now()
		got := run(&out, time.Hour)
		want := "the signal is sent before the waiter starts; the waiter gives up after 1h0m0s\n" +
			"  semaphore with 0 permits:  signal kept: the waiter went on at once\n" +
			"  bare condition variable:   signal LOST: the waiter slept until its deadline\n" +
			"  condition variable + flag: signal kept: the waiter went on at once\n"
		if out.String() != want {
			t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
		}
		if !got["semaphore with 0 permits"] || got["bare condition variable"] || !got["condition variable + flag"] {
			t.Errorf("results = %v", got)
		}
		// Only the lost signal waited, and for exactly its deadline.
		if d := time.Since(start); d != time.Hour {
			t.Errorf("fake time spent %v, want 1h", d)
		}
	})
}

func TestKeptSignalsArriveInRealTime(t *testing.T) {
	// Sanity check of the helpers: with a generous real deadline the kept
	// signals arrive at once.
	for name, try := range map[string]func(time.Duration) bool{
		"semaphore": withSemaphore, "cond+flag": withCondAndFlag,
	} {
		if !try(10 * time.Second) {
			t.Errorf("%s lost the signal", name)
		}
	}
}
