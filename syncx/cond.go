package syncx

import (
	"context"
	"sync"

	"github.com/concurkit/concur/internal/check"
)

// Cond is a condition variable whose Wait can be abandoned through a context:
// a rendezvous point for goroutines waiting for, or announcing, a change of
// some state guarded by L.
//
// Use it as sync.Cond is used: hold L, test the condition, and call Wait in a
// loop while the condition does not hold. A Cond made with NewCond, or a
// Cond{L: l} literal, is ready to use. A Cond must not be copied after first
// use.
//
// Waiters are woken in arrival order by Signal. A wake-up is never lost to a
// waiter that gives up: Signal skips a waiter whose ctx has already ended and
// wakes the next one. A goroutine blocked in Wait is durably blocked in the
// sense of testing/synctest (re-acquiring L afterwards is durable too when L
// is a syncx Mutex or RWMutex).
//
// In the terms of the Go memory model, a call to Signal or Broadcast
// synchronizes before any Wait call that it unblocks returns.
type Cond struct {
	_ noCopy

	// L is held while observing or changing the condition.
	L sync.Locker

	mu sync.Mutex
	q  waitList[lockWait] // waiters in arrival order
}

// NewCond returns a new Cond with Locker l. It panics if l is nil.
func NewCond(l sync.Locker) *Cond {
	if l == nil {
		panic("syncx: NewCond with nil Locker")
	}
	return &Cond{L: l}
}

// Wait atomically unlocks c.L and suspends the calling goroutine until it is
// woken by Signal or Broadcast, or ctx is done. It locks c.L again before
// returning, in every case, so the caller holds c.L on return, also on error.
//
// Wait follows the package's cancellation rule. It returns nil when Signal or
// Broadcast woke it while its ctx had not ended. It returns ctx.Err() when ctx
// ended first: Signal and Broadcast do not wake a waiter whose ctx has already
// ended (Signal wakes the next waiter instead, so the wake-up is not lost),
// and a Wait whose ctx ends while it waits leaves the queue. If ctx is already
// done, Wait returns ctx.Err() at once without unlocking c.L. Because a woken
// waiter re-acquires c.L after others may have run, callers should re-check
// their condition in a loop:
//
//	c.L.Lock()
//	for !condition() {
//		if err := c.Wait(ctx); err != nil {
//			c.L.Unlock()
//			return err
//		}
//	}
//	... make use of condition ...
//	c.L.Unlock()
//
// Wait panics if ctx or c.L is nil. If unlocking c.L panics (c.L was not
// held), the panic goes on and the Cond is left as it was: no waiter is left
// behind to absorb a later Signal.
func (c *Cond) Wait(ctx context.Context) error {
	check.Context(ctx, "syncx", "Cond.Wait")
	if c.L == nil {
		panic("syncx: Cond.Wait with nil L")
	}
	done := ctx.Done()
	if closed(done) {
		return ctx.Err()
	}
	w := &lockWaiter{ch: make(chan struct{}), done: done}
	c.mu.Lock()
	c.q.pushBack(w)
	c.mu.Unlock()
	c.unlockL(w)

	var err error
	select {
	case <-w.ch:
	case <-done:
		c.mu.Lock()
		if w.state == waitWaiting {
			c.q.remove(w)
			w.state = waitAbandoned
		}
		c.mu.Unlock()
	}
	// w.state is final now: set before w.ch was closed, or under c.mu.
	if w.state == waitAbandoned {
		err = ctx.Err()
	}
	c.L.Lock()
	return err
}

// unlockL unlocks c.L for Wait, whose waiter w is already queued (queueing
// first is what makes unlocking and suspending atomic). If c.L.Unlock panics,
// w leaves the queue before the panic goes on; a Signal that reached w in the
// meantime is passed to the next waiter.
func (c *Cond) unlockL(w *lockWaiter) {
	ok := false
	defer func() {
		if ok {
			return
		}
		c.mu.Lock()
		if w.state == waitWaiting {
			c.q.remove(w)
			w.state = waitAbandoned
		} else if w.val.signalled {
			// w was woken by a Signal (see Signal): wake another.
			c.signalLocked()
		}
		c.mu.Unlock()
	}()
	c.L.Unlock()
	ok = true
}

// Signal wakes the longest waiting goroutine whose ctx has not ended, if there
// is one. The caller may but need not hold c.L.
func (c *Cond) Signal() {
	c.mu.Lock()
	c.signalLocked()
	c.mu.Unlock()
}

func (c *Cond) signalLocked() {
	if w := c.q.nextLive(); w != nil {
		w.val.signalled = true
		c.q.leave(w, waitGranted)
	}
}

// Broadcast wakes all waiting goroutines; those whose ctx has already ended
// return its error. The caller may but need not hold c.L.
func (c *Cond) Broadcast() {
	c.mu.Lock()
	for w := c.q.head; w != nil; w = c.q.head {
		s := waitGranted
		if closed(w.done) {
			s = waitAbandoned
		}
		c.q.leave(w, s)
	}
	c.mu.Unlock()
}
