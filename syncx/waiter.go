package syncx

import "errors"

// errCancelled is what the internal waits return when their ctx's done
// channel was closed first; the exported methods turn it into ctx.Err().
var errCancelled = errors.New("syncx: wait cancelled")

// waiter is one goroutine blocked in a syncx wait, linked into the wait list
// of the primitive it waits for. T carries what a primitive needs to know
// about its waiters beyond the common fields (a Semaphore's weight, a
// Queue's value, a lock waiter's mode).
//
// Invariant: a waiter is on its owner's list iff its state is waitWaiting,
// and only a goroutine holding the owner's internal mutex changes the list or
// the state. ch, when not nil, is closed exactly once, after the state has
// left waitWaiting.
type waiter[T any] struct {
	prev, next *waiter[T]

	// ch is made when the wait begins, so that a blocked goroutine is
	// durably blocked in a testing/synctest bubble and a channel never
	// outlives the bubble it was made in.
	ch chan struct{}

	// done is the waiter's ctx.Done(), nil when its ctx cannot end. A
	// primitive that grants by handing something to the waiter (a Queue
	// value, a Cond wake-up) first looks at it: a waiter whose ctx has
	// already ended is abandoned instead, and the grant goes to the next.
	done <-chan struct{}

	state waitState
	val   T
}

type waitState uint8

const (
	waitWaiting   waitState = iota
	waitGranted             // left the list with what it waited for
	waitWoken               // Mutex only: left the list to compete for the lock
	waitAbandoned           // left the list because its ctx had ended; it returns ctx.Err()
)

// waitList is an intrusive FIFO of waiters with O(1) removal from anywhere,
// so that a waiter whose ctx ends can leave from the middle.
type waitList[T any] struct {
	head, tail *waiter[T]
	len        int
}

func (l *waitList[T]) empty() bool { return l.head == nil }

func (l *waitList[T]) pushBack(w *waiter[T]) {
	w.prev, w.next = l.tail, nil
	if l.tail == nil {
		l.head = w
	} else {
		l.tail.next = w
	}
	l.tail = w
	l.len++
}

func (l *waitList[T]) pushFront(w *waiter[T]) {
	w.prev, w.next = nil, l.head
	if l.head == nil {
		l.tail = w
	} else {
		l.head.prev = w
	}
	l.head = w
	l.len++
}

func (l *waitList[T]) remove(w *waiter[T]) {
	if w.prev == nil {
		l.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		l.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next = nil, nil
	l.len--
}

// leave takes w off the list with its final state s and wakes it by closing
// its channel, if it has one.
func (l *waitList[T]) leave(w *waiter[T], s waitState) {
	l.remove(w)
	w.state = s
	if w.ch != nil {
		close(w.ch)
	}
}

// nextLive returns the first waiter whose ctx has not ended, abandoning (and
// waking) those before it whose ctx has: a grant must not go to a waiter
// whose ctx ended first, since that waiter will report ctx.Err().
func (l *waitList[T]) nextLive() *waiter[T] {
	for w := l.head; w != nil; w = l.head {
		if !closed(w.done) {
			return w
		}
		l.leave(w, waitAbandoned)
	}
	return nil
}

// closed reports whether done, a ctx.Done() channel, is closed. A nil done
// (a ctx that cannot end) is never closed.
func closed(done <-chan struct{}) bool {
	if done == nil {
		return false
	}
	select {
	case <-done:
		return true
	default:
		return false
	}
}
