package syncx

import (
	"context"
	"sync"

	"github.com/concurkit/concur/internal/check"
)

// Latch is a one-shot countdown: it starts at a count, CountDown lowers it by
// one, and Wait blocks until it reaches zero. Unlike a WaitGroup, the count is
// fixed when the Latch is made and cannot go back up, so a Latch that has
// opened stays open.
//
// A Latch must be created with NewLatch and must not be copied after first
// use. In the terminology of the Go memory model, every call to CountDown
// synchronizes before the return of any Wait that returns nil.
//
// Every blocked Wait blocks on a channel of its own, made when it begins, so
// it is durably blocked in a testing/synctest bubble, and one latch may be
// used in several bubbles one after another.
type Latch struct {
	_ noCopy

	mu    sync.Mutex
	count int
	q     waitList[struct{}] // blocked Wait calls; empty once count is zero
}

// NewLatch returns a latch that opens after count calls to CountDown. A latch
// of count 0 is open from the start. NewLatch panics if count is negative.
func NewLatch(count int) *Latch {
	if count < 0 {
		panic("syncx: NewLatch with negative count")
	}
	return &Latch{count: count}
}

// CountDown lowers the count by one; when it reaches zero, every Wait returns.
// CountDown panics if the count is already zero: counting down more times than
// the latch was made for is a programming error.
func (l *Latch) CountDown() {
	l.mu.Lock()
	if l.count == 0 {
		l.mu.Unlock()
		panic("syncx: Latch.CountDown called more times than the count")
	}
	l.count--
	if l.count == 0 {
		for w := l.q.head; w != nil; w = l.q.head {
			l.q.leave(w, waitGranted)
		}
	}
	l.mu.Unlock()
}

// Count returns the current count.
func (l *Latch) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count
}

// Wait blocks until the count reaches zero or ctx ends. It returns nil in the
// first case and ctx.Err() in the second; a Wait that gives up changes
// nothing. Wait follows the package's cancellation rule: if ctx has already
// ended when Wait is called, it returns ctx.Err() even if the latch is open
// (use Count to look without a context), and if ctx ended before the latch
// opened, it returns ctx.Err(). Wait panics if ctx is nil.
func (l *Latch) Wait(ctx context.Context) error {
	check.Context(ctx, "syncx", "Latch.Wait")
	done := ctx.Done()
	l.mu.Lock()
	// Looking at done under l.mu: a CountDown that came after ctx ended
	// cannot have opened the latch unseen.
	if closed(done) {
		l.mu.Unlock()
		return ctx.Err()
	}
	if l.count == 0 {
		l.mu.Unlock()
		return nil
	}
	w := &waiter[struct{}]{ch: make(chan struct{})}
	l.q.pushBack(w)
	l.mu.Unlock()
	select {
	case <-w.ch:
	case <-done:
		l.mu.Lock()
		if w.state == waitWaiting {
			l.q.remove(w)
			l.mu.Unlock()
			return ctx.Err()
		}
		l.mu.Unlock()
	}
	if closed(done) {
		// ctx may have ended before the latch opened.
		return ctx.Err()
	}
	return nil
}
