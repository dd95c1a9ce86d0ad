package pool_test

import (
	"context"
	"errors"
	"iter"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/concurkit/concur/pool"
)

// A call whose context has already ended starts nothing: no call of f, no
// value pulled from a sequence (which is not even started), and the call
// returns the context's cause. With no items there is nothing to skip: nil.
func TestEndedContextStartsNothing(t *testing.T) {
	cause := errors.New("shutting down")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cause)
	var calls, seqCalls atomic.Int64
	f := func(context.Context, int) error { calls.Add(1); return nil }
	fr := func(context.Context, int) (int, error) { calls.Add(1); return 0, nil }
	seq := func(n int) iter.Seq[int] {
		return func(yield func(int) bool) {
			seqCalls.Add(1)
			for i := range n {
				if !yield(i) {
					return
				}
			}
		}
	}
	for name, call := range map[string]func(n int) error{
		"ForEach":    func(n int) error { return pool.ForEach(ctx, ints(n), 4, f) },
		"Map":        func(n int) error { _, err := pool.Map(ctx, ints(n), 4, fr); return err },
		"ForEachSeq": func(n int) error { return pool.ForEachSeq(ctx, seq(n), 4, f) },
		"MapSeq":     func(n int) error { _, err := pool.MapSeq(ctx, seq(n), 4, fr); return err },
	} {
		if err := call(10); err != cause {
			t.Errorf("%s: err = %v, want the cause %v", name, err, cause)
		}
		if err := call(0); err != nil && !slices.Contains([]string{"ForEachSeq", "MapSeq"}, name) {
			t.Errorf("%s with no items: err = %v, want nil", name, err)
		}
	}
	if calls.Load() != 0 || seqCalls.Load() != 0 {
		t.Errorf("%d calls of f and %d of a sequence under an ended context", calls.Load(), seqCalls.Load())
	}
}
