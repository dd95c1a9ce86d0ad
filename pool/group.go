package pool

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/concurkit/concur/internal/check"
	"github.com/concurkit/concur/internal/panics"
	"github.com/concurkit/concur/syncx"
)

// errGoexit is the cause given to the context of a ForEach or Map whose f
// called runtime.Goexit.
var errGoexit = errors.New("pool: f called runtime.Goexit")

// A group is the shared state of one ForEach, Map, ForEachSeq or MapSeq call:
// the context handed to f, the workers, and what went wrong.
//
// Invariant: ctx is cancelled as soon as anything stops the call (an error, a
// panic, a Goexit, or the caller's context ending), and every worker checks
// ctx.Done() before it starts an item, so at most one item per worker (workers
// in all) is in flight after that point.
type group struct {
	parent context.Context
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   <-chan struct{}
	wg     sync.WaitGroup
	// started counts the items whose f was called, added by each worker as
	// it exits; only read after wg.Wait.
	started atomic.Int64

	mu     sync.Mutex
	errs   []indexedError
	pe     *syncx.PanicError
	goexit bool
}

type indexedError struct {
	i   int
	err error
}

// newGroup starts the call op (the function's name, for the message of a
// misuse) under parent.
func newGroup(parent context.Context, op string) *group {
	check.Context(parent, "pool", op)
	ctx, cancel := context.WithCancelCause(parent)
	return &group{parent: parent, ctx: ctx, cancel: cancel, done: ctx.Done()}
}

// stopped reports whether no new item may start.
func (g *group) stopped() bool { return closed(g.done) }

// closed reports whether c is closed, without waiting.
func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// fail records that item i failed with err and stops the call; the first
// error becomes the cause of ctx.
func (g *group) fail(i int, err error) {
	g.mu.Lock()
	g.errs = append(g.errs, indexedError{i, err})
	g.mu.Unlock()
	g.cancel(err)
}

// exit ends a worker that started the given number of items. Unless it
// returned normally it aborts the call with v, the value of recover (nil for
// runtime.Goexit). It must be called from the worker's deferred function, so
// that a panic's stack is still there to be recorded.
func (g *group) exit(started int, normal bool, v any) {
	g.started.Add(int64(started))
	if !normal {
		g.abort(v)
	}
	g.wg.Done()
}

// abort is called, with the value of recover, by a worker that is leaving
// because f (or the sequence) panicked or called runtime.Goexit.
func (g *group) abort(v any) {
	g.mu.Lock()
	var cause error
	if v != nil {
		pe := panics.Capture(v)
		if g.pe == nil {
			g.pe = pe
		}
		cause = pe
	} else {
		g.goexit = true
		cause = errGoexit
	}
	g.mu.Unlock()
	g.cancel(cause)
}

// finish gives the outcome of the call once its workers are done: it re-raises
// a panic, repeats a Goexit in the caller's goroutine, or returns the errors in
// item order. allTaken says whether every item was started.
func (g *group) finish(allTaken bool) error {
	g.cancel(nil)
	if g.pe != nil {
		panic(g.pe)
	}
	if g.goexit {
		runtime.Goexit()
	}
	slices.SortFunc(g.errs, func(a, b indexedError) int { return a.i - b.i })
	errs := make([]error, 0, len(g.errs)+1)
	for _, e := range g.errs {
		errs = append(errs, e.err)
	}
	if !allTaken && g.parent.Err() != nil {
		// Items were skipped because the caller's context ended; say so,
		// unless f already reported that same error.
		cause := context.Cause(g.parent)
		if !slices.ContainsFunc(errs, func(e error) bool { return errors.Is(e, cause) }) {
			errs = append(errs, cause)
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}

// checkNil panics with the package's phrasing of a nil argument.
func checkNil(op string, isNil bool, what string) {
	if isNil {
		check.Misuse("pool", op, "with nil "+what)
	}
}
