package chans

import (
	"context"
	"errors"
	"github.com/concurkit/concur/internal/check"
	"runtime"
	"sync"

	"github.com/concurkit/concur/internal/panics"
	"github.com/concurkit/concur/syncx"
)

// A Group ties together the stages of a pipeline whose work can fail. The
// first failure is recorded, cancels the context NewGroup returned and every
// stage started with the group, and is reported once by Wait; later failures,
// which are usually consequences of the cancellation, are dropped.
//
// Stages built by MapErr, ParallelMapErr and OrderedMapErr report to their
// group; Go runs any other function (a source, a sink) as part of it. Plain
// operators such as Generate or Filter fed the group's context stop too when
// it is cancelled.
//
// A Group must be created with NewGroup and must not be copied.
type Group struct {
	wg sync.WaitGroup

	mu      sync.Mutex
	err     error                // first failure; nil until then
	cancels []context.CancelFunc // the group's context, then one per stage
	pe      *syncx.PanicError    // first panic of a stage, re-raised by Wait
	goexit  bool                 // a stage called runtime.Goexit; Wait repeats it
}

// errStagePanicked and errStageGoexit are the group's failure, and so its
// context's cause and what Err reports, once a stage has panicked or called
// runtime.Goexit; Wait re-raises the panic, or calls runtime.Goexit, instead
// of returning it.
var (
	errStagePanicked = errors.New("chans: stage panicked")
	errStageGoexit   = errors.New("chans: stage called runtime.Goexit")
)

// NewGroup returns a Group and a context derived from ctx that is cancelled,
// with the failure as its cause (see context.Cause), when a stage of the group
// fails, and in any case when Wait returns.
func NewGroup(ctx context.Context) (*Group, context.Context) {
	checkCtx("NewGroup", ctx)
	ctx, cancel := context.WithCancelCause(ctx)
	g := &Group{}
	g.cancels = append(g.cancels, func() { cancel(g.Err()) })
	return g, ctx
}

// fail records err if it is the first failure and cancels everything.
func (g *Group) fail(err error) {
	g.mu.Lock()
	if g.err != nil {
		g.mu.Unlock()
		return
	}
	g.err = err
	cancels := g.cancels
	g.mu.Unlock()
	for _, c := range cancels {
		c()
	}
}

// stageContext returns a context for one stage: it ends when ctx ends or the
// group fails, whichever comes first, so a stage stops on failure even if it
// was not given the group's context.
func (g *Group) stageContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	g.mu.Lock()
	failed := g.err != nil
	if !failed {
		g.cancels = append(g.cancels, cancel)
	}
	g.mu.Unlock()
	if failed {
		cancel()
	}
	return ctx, cancel
}

// spawn runs fn as part of the group. If fn panics or calls runtime.Goexit,
// the group fails so the other stages stop, and Wait re-raises the panic with
// fn's stack, or calls runtime.Goexit.
func (g *Group) spawn(fn func()) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		panics.Catch(fn, g.ended)
	}()
}

// ended records how a goroutine of the group ended, if not by returning.
func (g *Group) ended(pe *syncx.PanicError, goexit bool) {
	switch {
	case pe != nil:
		g.mu.Lock()
		if g.pe == nil {
			g.pe = pe
		}
		g.mu.Unlock()
		g.fail(errStagePanicked)
	case goexit:
		g.mu.Lock()
		g.goexit = true
		g.mu.Unlock()
		g.fail(errStageGoexit)
	}
}

// Go runs f in a new goroutine as part of the group: Wait waits for it, and
// an error it returns fails the group. Use it for the source or the sink of a
// pipeline.
func (g *Group) Go(f func() error) {
	checkNil("Group.Go", f == nil, "function")
	g.spawn(func() {
		if err := f(); err != nil {
			g.fail(err)
		}
	})
}

// Err returns the first failure of the group so far, or nil. After a stage
// panicked it is an error whose text is "chans: stage panicked", and after a
// stage called runtime.Goexit one whose text is "chans: stage called
// runtime.Goexit"; Wait then re-raises the panic, or calls runtime.Goexit.
func (g *Group) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

// Wait waits until every goroutine of every stage started with the group (and
// every function started by Go) has returned, cancels the group's context,
// and returns the first failure, or nil if nothing failed. The end of the
// parent context is not a failure of the group by itself; a stage function
// that returns ctx.Err() makes it one.
//
// Wait returns only when the stages have stopped, so consume the last stage's
// output (or cancel the context) before calling it. If a stage function
// panicked, Wait re-raises the first such panic as a *syncx.PanicError with
// the stack of the goroutine that panicked. If a stage function called
// runtime.Goexit (t.FailNow in a test, for instance), Wait calls
// runtime.Goexit itself, as if the function had run in Wait's goroutine.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.mu.Lock()
	cancels := g.cancels
	g.cancels = nil
	err, pe, goexit := g.err, g.pe, g.goexit
	g.mu.Unlock()
	for _, c := range cancels {
		c()
	}
	if pe != nil {
		panic(pe)
	}
	if goexit {
		runtime.Goexit()
	}
	return err
}

// MapErr is Map for a function that can fail. f receives a context that ends
// when ctx ends or the group fails. The first error f returns fails the group
// g: the stage stops, the group's context and stages are cancelled, and Wait
// returns the error. The result for a failed item is not sent.
//
// MapErr panics if g or f is nil.
func MapErr[T, R any](ctx context.Context, g *Group, in <-chan T, f func(context.Context, T) (R, error)) <-chan R {
	checkCtx("MapErr", ctx)
	checkGroup("MapErr", g)
	checkNil("MapErr", f == nil, "function")
	ctx, stop := g.stageContext(ctx)
	return mapStage(ctx, in, failing(ctx, g, f), g.spawn, stop)
}

// ParallelMapErr is ParallelMap for a function that can fail, reporting to g
// as MapErr does.
//
// ParallelMapErr panics if g or f is nil.
func ParallelMapErr[T, R any](ctx context.Context, g *Group, in <-chan T, workers int, f func(context.Context, T) (R, error)) <-chan R {
	checkCtx("ParallelMapErr", ctx)
	checkGroup("ParallelMapErr", g)
	workers = check.Workers(workers)
	checkNil("ParallelMapErr", f == nil, "function")
	ctx, stop := g.stageContext(ctx)
	return parallelMap(ctx, in, workers, failing(ctx, g, f), g.spawn, stop)
}

// OrderedMapErr is OrderedMap for a function that can fail, reporting to g as
// MapErr does. The output is in input order and never contains the result of
// an item at or after the first one that failed (results just before it may be
// lost to the cancellation).
//
// OrderedMapErr panics if g or f is nil.
func OrderedMapErr[T, R any](ctx context.Context, g *Group, in <-chan T, workers int, f func(context.Context, T) (R, error)) <-chan R {
	checkCtx("OrderedMapErr", ctx)
	checkGroup("OrderedMapErr", g)
	workers = check.Workers(workers)
	checkNil("OrderedMapErr", f == nil, "function")
	ctx, stop := g.stageContext(ctx)
	return orderedMap(ctx, in, workers, failing(ctx, g, f), g.spawn, stop)
}

// failing adapts a fallible f to the stage engines: an error fails the group
// (cancelling ctx before the stage's goroutine sees false) and stops the worker.
func failing[T, R any](ctx context.Context, g *Group, f func(context.Context, T) (R, error)) func(T) (R, bool) {
	return func(v T) (R, bool) {
		r, err := f(ctx, v)
		if err != nil {
			g.fail(err)
			return r, false
		}
		return r, true
	}
}

func checkGroup(op string, g *Group) {
	if g == nil {
		check.Misuse("chans", op, "with nil Group")
	}
}
