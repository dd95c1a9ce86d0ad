package main

import (
	"bytes"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	run(&out, 10, 3)
	want := "" +
		"unbuffered: no receiver yet, so a send would block\n" +
		"unbuffered: ping 0 -> pong\n" +
		"unbuffered: ping 1 -> pong\n" +
		"unbuffered: ping 2 -> pong\n" +
		"buffered: 3 sends completed with nobody receiving; len 3, cap 3; the next would block\n" +
		"buffered: received [0 1 2] in FIFO order\n" +
		"close: 3 consumers received 1..10, total 55; one close stopped them all; a receive now gives ok=false\n" +
		"poison pill: 3 consumers received 1..10, total 55; it took 3 pills\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestEveryValueArrivesExactlyOnce(t *testing.T) {
	var out bytes.Buffer
	for _, c := range []int{1, 2, 8} {
		if got := closing(&out, 100, c); got != 5050 {
			t.Errorf("closing with %d consumers: total %d, want 5050", c, got)
		}
		if got := poisonPill(&out, 100, c); got != 5050 {
			t.Errorf("poison pill with %d consumers: total %d, want 5050", c, got)
		}
	}
}
