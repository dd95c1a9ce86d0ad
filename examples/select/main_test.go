package main

import (
	"bytes"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// The bubble's fake clock makes the timeouts exact and instant.
func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		start := time.Now()
		run(&out, time.Minute)
		want := "" +
			"timeout: no reply within 1m0s, gave up\n" +
			"timeout: got \"quick answer\" within 1m0s\n" +
			"default: nothing ready, moved on without waiting\n" +
			"default: 42 was ready and taken\n" +
			"fan-in: merged [1 2 3 4 5 6 8 10]\n" +
			"nil channels: the loop ran 10 times for 8 values and 2 closes, no spinning on closed inputs\n"
		if out.String() != want {
			t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
		}
		// One full timeout, then 6s for the quick answer.
		if d := time.Since(start); d != time.Minute+6*time.Second {
			t.Errorf("took %v of fake time, want 1m6s", d)
		}
		// The slow reply still sleeps until 2m; its goroutine then finishes into
		// the channel's buffer although nobody reads it, so nothing leaks.
		time.Sleep(time.Minute)
	})
}

func TestMergeDeliversEverythingOnce(t *testing.T) {
	var rounds int
	var got []int
	for v := range merge(source(), source(7, 8, 9), &rounds) {
		got = append(got, v)
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{7, 8, 9}) || rounds != 5 {
		t.Errorf("got %v in %d rounds, want [7 8 9] in 5", got, rounds)
	}
}
