package pool

import (
	"context"
	"errors"
	"iter"
	"sync"

	"github.com/concurkit/concur/internal/check"
	"github.com/concurkit/concur/internal/panics"
	"github.com/concurkit/concur/syncx"
)

// ForEachSeq is ForEach over the values of seq: it calls f for every value,
// on at most workers goroutines at once, with the same cancellation, errors
// and panics.
// Errors are returned in the order of the values that caused them.
//
// seq is never called concurrently: the workers take turns pulling the next
// value from it (with iter.Pull), so it may be any single-use iterator. After
// a stop, no more values are pulled (a value whose pull was under way when the
// call stopped is not started), and seq is stopped (its yield returns false)
// before ForEachSeq returns. A panic in seq is re-raised like a panic in f, as
// a *syncx.PanicError with seq's own stack. The one exception is a panic in
// the cleanup seq runs when it is stopped early, which happens only once the
// call has an error to return (f's, or the context's): that panic is returned
// too, as a *syncx.PanicError joined after the other errors, so that neither
// is lost. (If f panicked, f's panic is re-raised.) Workers are started as
// values arrive, so a short sequence does not start all the workers.
//
// ForEachSeq panics with a message starting "pool: " if seq, f or ctx is nil.
func ForEachSeq[T any](ctx context.Context, seq iter.Seq[T], workers int, f func(context.Context, T) error) error {
	checkNil("ForEachSeq", seq == nil, "sequence")
	checkNil("ForEachSeq", f == nil, "function")
	_, err := runSeq(ctx, "ForEachSeq", seq, workers, false, func(ctx context.Context, v T, _ *struct{}) error {
		return f(ctx, v)
	})
	return err
}

// MapSeq is Map over the values of seq: it calls f for every value as
// ForEachSeq does and returns the results in the order of the values. As with
// Map, the slice is returned even when the error is not nil; it then holds one
// result for every value pulled from seq, the zero value of R for those that
// never started.
//
// MapSeq panics with a message starting "pool: " if seq, f or ctx is nil.
func MapSeq[T, R any](ctx context.Context, seq iter.Seq[T], workers int, f func(context.Context, T) (R, error)) ([]R, error) {
	checkNil("MapSeq", seq == nil, "sequence")
	checkNil("MapSeq", f == nil, "function")
	return runSeq(ctx, "MapSeq", seq, workers, true, func(ctx context.Context, v T, slot *R) error {
		r, err := f(ctx, v)
		*slot = r
		return err
	})
}

// A source hands out the values of a sequence, one at a time, to the workers,
// with the index and the result slot of each.
type source[T, R any] struct {
	mu        sync.Mutex
	next      func() (T, bool)
	stop      <-chan struct{} // closed when the call stops
	taken     int
	exhausted bool // seq has no more values
	// The results live in blocks that never move once made, so a worker can
	// write its slot while another worker makes a new block.
	keep   bool
	blocks [][]R
	free   []R // the unused tail of the last block
	// started counts the goroutines started, at most workers.
	started, workers int
}

// take returns the next value, its index and its result slot (nil unless
// results are kept), or ok false when seq is exhausted or the call has
// stopped. spawn is true when the caller should start another worker, so that
// the number of workers grows with the values seen, one ahead, up to
// s.workers.
//
// The stop is checked once the caller has its turn at seq, just before the
// pull: a worker that waited for its turn while the call stopped pulls
// nothing.
func (s *source[T, R]) take() (i int, v T, slot *R, spawn, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock() // next may panic
	if s.exhausted || closed(s.stop) {
		return 0, v, nil, false, false
	}
	v, ok = s.next()
	if !ok {
		s.exhausted = true
		return 0, v, nil, false, false
	}
	i = s.taken
	s.taken++
	if s.keep {
		if len(s.free) == 0 {
			// Blocks double from 64 results up to 64Ki, so a short
			// sequence costs little and a long one few allocations.
			size := min(64<<len(s.blocks), 1<<16)
			s.free = make([]R, size)
			s.blocks = append(s.blocks, s.free)
		}
		slot = &s.free[0]
		s.free = s.free[1:]
	}
	if s.started < s.workers {
		s.started++
		spawn = true
	}
	return i, v, slot, spawn, true
}

func runSeq[T, R any](ctx context.Context, op string, seq iter.Seq[T], workers int, keep bool, body func(context.Context, T, *R) error) ([]R, error) {
	g := newGroup(ctx, op)
	defer g.cancel(nil)
	// panics.Seq captures a panic of seq on the coroutine that runs it, so
	// that its PanicError shows seq's frames.
	next, stop := iter.Pull(panics.Seq(seq))
	s := &source[T, R]{next: next, stop: g.done, keep: keep, workers: check.Workers(workers), started: 1}
	g.wg.Add(1)
	go seqWorker(g, s, body)
	g.wg.Wait()

	// The workers are done, as iter.Pull requires before stop: g's and s's
	// fields are no longer shared. seq is stopped before finish may re-raise
	// a panic.
	//
	// stop runs seq's cleanup only if the call stopped before seq was
	// exhausted: because of an error (f's or the context's), which the call
	// returns, or a panic or Goexit of f. A panic in that cleanup is joined to
	// the errors rather than raised instead of them, so that neither is lost;
	// a panic of f or seq, raised first, is the one re-raised.
	cleanup := stopSeq(stop)
	if cleanup != nil && g.pe == nil && g.goexit {
		g.pe = cleanup // a panic says more than the Goexit it follows
	}
	// A value pulled while the call stopped is not started, so seq being
	// exhausted is not enough for every value to have started.
	err := g.finish(s.exhausted && g.started.Load() == int64(s.taken))
	if cleanup != nil {
		err = joinErr(err, cleanup)
	}
	if !keep {
		return nil, err
	}
	results := make([]R, 0, s.taken)
	for _, b := range s.blocks {
		results = append(results, b[:min(len(b), s.taken-len(results))]...)
	}
	return results, err
}

// joinErr is errors.Join for two errors, the first possibly nil, that keeps
// a lone error as it is.
func joinErr(err, more error) error {
	if err == nil {
		return more
	}
	return errors.Join(err, more)
}

// stopSeq calls stop and returns the panic of seq's cleanup, if any.
func stopSeq(stop func()) (pe *syncx.PanicError) {
	defer func() {
		// nil when seq called runtime.Goexit: stop repeats it here, and it
		// goes on ending the caller's goroutine, as a Goexit in f does.
		if v := recover(); v != nil {
			pe = panics.Capture(v)
		}
	}()
	stop()
	return nil
}

func seqWorker[T, R any](g *group, s *source[T, R], body func(context.Context, T, *R) error) {
	started := 0
	normal := false
	defer func() { g.exit(started, normal, recover()) }()
	for !g.stopped() {
		i, v, slot, spawn, ok := s.take()
		if !ok {
			break
		}
		if spawn {
			g.wg.Add(1)
			go seqWorker(g, s, body)
		}
		if g.stopped() {
			// The context ended while seq was producing v.
			break
		}
		started++
		if err := body(g.ctx, v, slot); err != nil {
			g.fail(i, err)
		}
	}
	normal = true
}
