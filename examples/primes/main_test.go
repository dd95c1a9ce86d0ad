package main

import (
	"bytes"
	"slices"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func isPrime(n int) bool {
	if n < 2 {
		return false
	}
	for d := 2; d*d <= n; d++ {
		if n%d == 0 {
			return false
		}
	}
	return true
}

func TestSieveAgreesWithTrialDivision(t *testing.T) {
	var want []int
	for i := 2; len(want) < 300; i++ {
		if isPrime(i) {
			want = append(want, i)
		}
	}
	for _, n := range []int{0, 1, 2, 10, 300} {
		got, g := sieve(n)
		if !slices.Equal(got, want[:n]) {
			t.Errorf("sieve(%d) = %v, want %v", n, got, want[:n])
		}
		if g != n+1 {
			t.Errorf("sieve(%d) used %d goroutines, want %d", n, g, n+1)
		}
	}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	run(&out, 10)
	want := "the first 10 primes: [2 3 5 7 11 13 17 19 23 29]\n" +
		"pipeline: 1 generator + 10 filters = 11 goroutines, all exited after cancel\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
