package pool_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/concurkit/concur/pool"
	"github.com/concurkit/concur/syncx"
)

// Workers that were already waiting for their turn at the sequence when the
// call stopped pull nothing more: the stop is checked at the turn, not only
// before waiting for it. Shape: the sequence is slow to produce value limit-1
// (the worker pulling it holds the turn) while the other workers, done with
// their values, wait for the turn; the call stops; then the sequence goes on.
// Only the value whose pull was under way is pulled. (The old code pulled one
// more value for every waiting worker.)
func TestForEachSeqPullsNothingAfterStop(t *testing.T) {
	const limit = 4
	for round := range rounds(20) {
		var pulled atomic.Int64
		slow, gate, release := make(chan struct{}), make(chan struct{}), make(chan struct{})
		seq := func(yield func(int) bool) {
			for i := 0; ; i++ {
				if i == limit-1 {
					close(slow)
					<-gate
				}
				pulled.Add(1)
				if !yield(i) {
					return
				}
			}
		}
		stopped := make(chan (<-chan struct{}), 1)
		done := make(chan error)
		go func() {
			done <- pool.ForEachSeq(context.Background(), seq, limit, func(ctx context.Context, v int) error {
				if v == 0 {
					<-release
					stopped <- ctx.Done()
					return errTask
				}
				return nil
			})
		}()
		<-slow
		// Let the workers done with values 1 and 2 reach the turn; on the
		// fixed code the test passes however far they got.
		for range 100 {
			runtime.Gosched()
		}
		close(release)
		<-<-stopped // the call has stopped
		close(gate)
		if err := <-done; err != errTask {
			t.Fatalf("round %d: err = %v, want %v", round, err, errTask)
		}
		if n := pulled.Load(); n != limit {
			t.Fatalf("round %d: %d values pulled, want %d (the pulls after the stop were %d)", round, n, limit, n-limit)
		}
	}
}

func panicInSeq(v any) { panic(v) }

var errCleanup = errors.New("sequence cleanup failed")

// A panic in the sequence's own cleanup, which runs when the call stops it
// early, comes out as a *syncx.PanicError with the sequence's frames, and the
// error that stopped the call is not lost: both are returned, joined (the old
// code let the raw panic escape from a deferred stop and lost the error). If
// f panicked, f's panic is what the call re-raises; the cleanup's later panic
// does not replace it. Either way seq is stopped before the call ends.
func TestForEachSeqCleanupPanic(t *testing.T) {
	for _, stopBy := range []string{"error", "cancel", "panic"} {
		var cleaned atomic.Bool
		seq := func(yield func(int) bool) {
			defer func() {
				cleaned.Store(true)
				panicInSeq(errCleanup)
			}()
			for i := 0; yield(i); i++ {
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		var results []int
		var err error
		v := catch(func() {
			results, err = pool.MapSeq(ctx, seq, 3, func(_ context.Context, v int) (int, error) {
				if v == 5 {
					switch stopBy {
					case "error":
						return 0, errTask
					case "cancel":
						cancel()
					case "panic":
						panicInTask(errTask)
					}
				}
				return v, nil
			})
		})
		cancel()
		if !cleaned.Load() {
			t.Errorf("%s: the sequence was not stopped", stopBy)
		}
		if stopBy == "panic" {
			pe, ok := v.(*syncx.PanicError)
			if !ok || !errors.Is(pe, errTask) || !bytes.Contains(pe.Stack, []byte("panicInTask")) {
				t.Errorf("panic: re-raised %T %v, want f's *syncx.PanicError", v, v)
			}
			continue
		}
		if v != nil {
			t.Fatalf("%s: panicked with %T %v, want the cleanup's panic returned", stopBy, v, v)
		}
		want := errTask
		if stopBy == "cancel" {
			want = context.Canceled
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want it to hold %v", stopBy, err, want)
		}
		var pe *syncx.PanicError
		if !errors.As(err, &pe) || !errors.Is(pe, errCleanup) {
			t.Fatalf("%s: err = %v, want it to hold the cleanup's *syncx.PanicError", stopBy, err)
		}
		if !bytes.Contains(pe.Stack, []byte("panicInSeq")) {
			t.Errorf("%s: the stack does not show the sequence's cleanup:\n%s", stopBy, pe.Stack)
		}
		if len(results) < 5 {
			t.Errorf("%s: %d results, want those of the values pulled", stopBy, len(results))
		}
	}
}

// The *syncx.PanicError for a panic inside the sequence shows the sequence's
// frames, not only those of the worker that pulled from it.
func TestForEachSeqPanicShowsSequenceFrames(t *testing.T) {
	seq := func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
			if i == 7 {
				panicInSeq(errTask)
			}
		}
	}
	v := catch(func() {
		_ = pool.ForEachSeq(context.Background(), seq, 2, func(context.Context, int) error { return nil })
	})
	pe, ok := v.(*syncx.PanicError)
	if !ok || !errors.Is(pe, errTask) {
		t.Fatalf("panicked with %T %v, want a *syncx.PanicError of %v", v, v, errTask)
	}
	if !bytes.Contains(pe.Stack, []byte("panicInSeq")) {
		t.Errorf("the stack does not show the sequence's frames:\n%s", pe.Stack)
	}
}
