package chans_test

import (
	"context"
	"iter"
	"testing"

	"github.com/concurkit/concur/chans"
)

// naturals yields 0, 1, 2, ... forever; pulled counts the values yielded.
func naturals(pulled *int64) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; ; i++ {
			if pulled != nil {
				*pulled++
			}
			if !yield(i) {
				return
			}
		}
	}
}

// endless is a source that never ends by itself, only when ctx does.
func endless(ctx context.Context) <-chan int {
	return chans.FromSeq(ctx, naturals(nil))
}

// collect receives every value of in until it is closed.
func collect[T any](in <-chan T) []T {
	var got []T
	for v := range in {
		got = append(got, v)
	}
	return got
}

// requireClosed fails unless every channel is closed and empty now. It is
// meant to run after synctest.Wait, when every goroutine that could still
// send has exited or is durably blocked.
func requireClosed[T any](t *testing.T, name string, outs ...<-chan T) {
	t.Helper()
	for i, out := range outs {
		select {
		case v, ok := <-out:
			if ok {
				t.Errorf("%s: output %d delivered %v after cancel, want closed", name, i, v)
			}
		default:
			t.Errorf("%s: output %d not closed after cancel", name, i)
		}
	}
}

func ints(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func counts[T comparable](s []T) map[T]int {
	m := make(map[T]int, len(s))
	for _, v := range s {
		m[v]++
	}
	return m
}
