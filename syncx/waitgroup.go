package syncx

import (
	"context"
	"slices"
	"sync"

	"github.com/concurkit/concur/internal/check"
)

// A WaitGroup waits for a collection of goroutines to finish. It does all that
// sync.WaitGroup does, and more: Go re-raises a panic of the function it
// started in the goroutine that calls Wait, WaitContext gives up when a context
// ends, and TryWait does not block.
//
// The zero value is ready to use. A WaitGroup must not be copied after first
// use.
//
// In the terminology of the Go memory model, a call to Done (or the return of
// a function started by Go) synchronizes before the return of any Wait,
// WaitContext or TryWait call that it unblocks or lets report zero.
//
// A WaitGroup may be reused: once the counter is back at zero, Add starts a
// new cycle. As with sync.WaitGroup, an Add that starts a cycle must happen
// before the Wait that should wait for it.
type WaitGroup struct {
	_ noCopy

	mu sync.Mutex
	n  int
	// waiters are the blocked Wait calls of this cycle; each blocks on its
	// own channel, made when its wait begins, so that it is durably blocked
	// in a testing/synctest bubble.
	waiters []*wgWaiter
	// p is the first panic of a function started by Go. It stays recorded
	// until a Wait has re-raised it and a new cycle begins, so a panic is
	// never dropped unseen.
	p        *PanicError
	reported bool
}

type wgWaiter struct {
	ch chan struct{} // closed when the counter reaches zero
	p  *PanicError   // the panic to re-raise, written before ch is closed
}

// Add adds delta, which may be negative, to the counter. When the counter
// becomes zero, all goroutines blocked in Wait or WaitContext are released.
// Add panics with "syncx: negative WaitGroup counter" if the counter would
// become negative; the counter is left unchanged then.
func (wg *WaitGroup) Add(delta int) {
	wg.mu.Lock()
	n := wg.n + delta
	if n < 0 {
		wg.mu.Unlock()
		panic("syncx: negative WaitGroup counter")
	}
	if wg.n == 0 && n > 0 && wg.reported {
		// A new cycle begins and the last cycle's panic was seen.
		wg.p, wg.reported = nil, false
	}
	wg.n = n
	var ws []*wgWaiter
	if n == 0 && len(wg.waiters) > 0 {
		ws = wg.waiters
		wg.waiters = nil
		if wg.p != nil {
			wg.reported = true
		}
	}
	p := wg.p
	wg.mu.Unlock()
	for _, w := range ws {
		w.p = p
		close(w.ch)
	}
}

// Done decrements the counter by one. It panics with "syncx: negative
// WaitGroup counter" if the counter is already zero.
func (wg *WaitGroup) Done() {
	wg.Add(-1)
}

// Go calls f in a new goroutine and adds that task to the WaitGroup: Add(1)
// before the goroutine starts, Done when f returns.
//
// If f panics, the goroutine does not crash the program: the first such panic
// is recorded as a *PanicError holding the panic value and f's stack, and
// every Wait, WaitContext or TryWait that finds the counter at zero re-raises
// it with panic in its own goroutine. If f calls runtime.Goexit, the task
// simply counts as done.
func (wg *WaitGroup) Go(f func()) {
	wg.Add(1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				wg.recordPanic(newPanicError(v))
			}
			wg.Done()
		}()
		f()
	}()
}

func (wg *WaitGroup) recordPanic(p *PanicError) {
	wg.mu.Lock()
	if wg.p == nil || wg.reported {
		// First panic of the cycle; a reported one from an earlier cycle
		// (possible when the group never went back to zero) gives way.
		wg.p, wg.reported = p, false
	}
	wg.mu.Unlock()
}

// Wait blocks until the counter is zero. If a function started by Go
// panicked, Wait then panics with the *PanicError that recorded it.
func (wg *WaitGroup) Wait() {
	_ = wg.WaitContext(context.Background())
}

// WaitContext blocks until the counter is zero or ctx ends. It returns nil in
// the first case, re-raising a recorded panic as Wait does, and ctx.Err() in
// the second; a WaitContext that gives up leaves the WaitGroup unchanged.
// WaitContext follows the package's cancellation rule: if ctx has already
// ended when it is called, it returns ctx.Err() even if the counter is zero
// (use TryWait to look without a context), and if ctx ended before the counter
// reached zero, it returns ctx.Err() — except that a recorded panic is
// re-raised whenever this call is the one that reports it. WaitContext panics
// if ctx is nil.
func (wg *WaitGroup) WaitContext(ctx context.Context) error {
	check.Context(ctx, "syncx", "WaitGroup.WaitContext")
	done := ctx.Done()
	wg.mu.Lock()
	// Looking at done under wg.mu: a Done that came after ctx ended cannot
	// have brought the counter to zero unseen.
	if closed(done) {
		wg.mu.Unlock()
		return ctx.Err()
	}
	if wg.n == 0 {
		p := wg.p
		if p != nil {
			wg.reported = true
		}
		wg.mu.Unlock()
		if p != nil {
			panic(p)
		}
		return nil
	}
	w := &wgWaiter{ch: make(chan struct{})}
	wg.waiters = append(wg.waiters, w)
	wg.mu.Unlock()

	select {
	case <-w.ch:
	case <-done:
		wg.mu.Lock()
		i := slices.Index(wg.waiters, w)
		if i >= 0 {
			wg.waiters = slices.Delete(wg.waiters, i, i+1)
		}
		wg.mu.Unlock()
		if i >= 0 {
			return ctx.Err()
		}
		// The counter reached zero first: Add took w off the list and
		// closes w.ch right after it unlocks.
		<-w.ch
	}
	if w.p != nil {
		panic(w.p) // this call reports it: never drop it
	}
	if closed(done) {
		// ctx may have ended before the counter reached zero.
		return ctx.Err()
	}
	return nil
}

// TryWait reports whether the counter is zero now, without blocking. When it
// is, TryWait re-raises a recorded panic as Wait does.
func (wg *WaitGroup) TryWait() bool {
	wg.mu.Lock()
	zero := wg.n == 0
	p := wg.p
	if zero && p != nil {
		wg.reported = true
	}
	wg.mu.Unlock()
	if zero && p != nil {
		panic(p)
	}
	return zero
}
