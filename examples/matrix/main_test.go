package main

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestPowerParallelMatchesSequential(t *testing.T) {
	for _, n := range []int{1, 2, 7, 30} {
		for _, p := range []int{0, 1, 2, 5} {
			a := random(n, uint64(n*10+p))
			got, err := powerParallel(context.Background(), a, p)
			if err != nil {
				t.Fatal(err)
			}
			if want := powerSequential(a, p); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("n=%d p=%d: parallel %v, sequential %v", n, p, got, want)
			}
		}
	}
}

func TestFibonacci(t *testing.T) {
	got, err := powerParallel(context.Background(), matrix{{1, 1}, {1, 0}}, 40)
	if err != nil {
		t.Fatal(err)
	}
	// F41 = 165580141, F40 = 102334155, F39 = 63245986
	want := matrix{{165580141, 102334155}, {102334155, 63245986}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("fib^40 = %v, want %v", got, want)
	}
}

func TestCancelledContextStopsAllRows(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := powerParallel(ctx, random(8, 1), 3)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled (goleak checks that no row goroutine is left)", err)
	}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, 20, 3, 7); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"[[1 1] [1 0]]^10 = [[89 55] [55 34]]",
		"random 20x20 0/1 matrix ^3: 20 row goroutines, 3 barrier rounds\n",
		"parallel result equals sequential",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}
