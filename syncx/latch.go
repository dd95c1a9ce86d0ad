package syncx

import (
	"context"
	"sync"
)

// Latch is a one-shot countdown: it starts at a count, CountDown lowers it by
// one, and Wait blocks until it reaches zero. Unlike a WaitGroup, the count is
// fixed when the Latch is made and cannot go back up, so a Latch that has
// opened stays open.
//
// A Latch must be created with NewLatch and must not be copied after first
// use. In the terminology of the Go memory model, every call to CountDown
// synchronizes before the return of any Wait that returns nil.
type Latch struct {
	_ noCopy

	mu    sync.Mutex
	count int
	// done is made by the first Wait that has to block, so that waiters
	// block on a channel made when a wait begins (durably blocked in a
	// testing/synctest bubble), and closed when count reaches zero.
	done chan struct{}
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
	if l.count == 0 && l.done != nil {
		close(l.done)
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
// first case, also when ctx has ended but the latch is open, and ctx.Err() in
// the second; a Wait that gives up changes nothing.
func (l *Latch) Wait(ctx context.Context) error {
	l.mu.Lock()
	if l.count == 0 {
		l.mu.Unlock()
		return nil
	}
	if l.done == nil {
		l.done = make(chan struct{})
	}
	ch := l.done
	l.mu.Unlock()
	done := ctx.Done()
	if done == nil {
		<-ch
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-done:
		select {
		case <-ch: // opened at the same moment: report the open latch
			return nil
		default:
			return ctx.Err()
		}
	}
}
