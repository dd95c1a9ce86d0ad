package syncx

import (
	"context"
	"sync"
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
// Waiters are woken in arrival order by Signal. A goroutine blocked in Wait is
// durably blocked in the sense of testing/synctest (re-acquiring L afterwards
// is durable too when L is a syncx Mutex or RWMutex).
//
// In the terms of the Go memory model, a call to Signal or Broadcast
// synchronizes before any Wait call that it unblocks returns.
type Cond struct {
	_ noCopy

	// L is held while observing or changing the condition.
	L sync.Locker

	mu sync.Mutex
	q  mutexQueue // waiters in arrival order
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
// Wait returns nil when woken by Signal or Broadcast. It returns ctx.Err() if
// ctx ends first; a Signal that raced that cancellation is never lost,
// because Wait then returns nil (the caller was woken) instead of the error.
// If ctx is already done, Wait returns ctx.Err() at once without unlocking
// c.L. Because a woken waiter re-acquires c.L after others may have run,
// callers should re-check their condition in a loop:
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
// Wait panics if c.L is nil.
func (c *Cond) Wait(ctx context.Context) error {
	if c.L == nil {
		panic("syncx: Cond.Wait with nil L")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	w := &mutexWaiter{ch: make(chan struct{})}
	c.mu.Lock()
	c.q.pushBack(w)
	c.mu.Unlock()
	c.L.Unlock()

	var err error
	select {
	case <-w.ch:
	case <-ctx.Done():
		c.mu.Lock()
		if !w.granted {
			c.q.remove(w)
			err = ctx.Err()
		}
		c.mu.Unlock()
	}
	c.L.Lock()
	return err
}

// Signal wakes the longest waiting goroutine, if there is one. The caller may
// but need not hold c.L.
func (c *Cond) Signal() {
	c.mu.Lock()
	if w := c.q.popFront(); w != nil {
		w.grant()
	}
	c.mu.Unlock()
}

// Broadcast wakes all waiting goroutines. The caller may but need not hold
// c.L.
func (c *Cond) Broadcast() {
	c.mu.Lock()
	for w := c.q.popFront(); w != nil; w = c.q.popFront() {
		w.grant()
	}
	c.mu.Unlock()
}
