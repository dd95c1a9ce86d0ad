package syncx

import (
	"context"
	"sync"

	"github.com/concurkit/concur/internal/check"
)

// Queue is a blocking FIFO queue of values of type T, bounded or unbounded,
// with the close semantics of a channel: after Close, Put fails with ErrClosed
// and Take still delivers the values that were queued, then fails with
// ErrClosed. Unlike a channel, every blocking call takes a context, the length
// of an unbounded queue has no limit, and closing twice is allowed.
//
// Blocked Put calls are served in arrival order, and so are blocked Take
// calls. Every value that a successful Put queued is returned by exactly one
// Take or TryTake.
//
// A Queue must be created with NewQueue and must not be copied after first
// use. In the terminology of the Go memory model, a Put or TryPut of a value
// synchronizes before the Take or TryTake that returns that value, and Close
// synchronizes before any call that returns ErrClosed because of it.
type Queue[T any] struct {
	_ noCopy

	capacity int // <= 0: unbounded

	mu      sync.Mutex
	buf     queueRing[T]
	takers  waitList[queueWait[T]] // blocked Take calls; non-empty only while buf is empty
	putters waitList[queueWait[T]] // blocked Put calls; non-empty only while buf is full
	closed  bool
}

// queueWait is what a Queue knows about one blocked Put or Take.
type queueWait[T any] struct {
	v   T     // the value to put, or the value taken
	err error // nil, or ErrClosed when Close woke the waiter
}

type queueWaiter[T any] = waiter[queueWait[T]]

// NewQueue returns an empty queue that holds at most capacity values; Put
// blocks while it is full. A capacity of 0 or less makes the queue unbounded:
// Put never blocks. Storage grows as values are queued, so a large capacity
// costs nothing until it is used.
func NewQueue[T any](capacity int) *Queue[T] {
	return &Queue[T]{capacity: capacity}
}

// Put appends v to the queue, blocking while a bounded queue is full.
//
// It returns nil when v was queued (or handed to a waiting Take). It returns
// ErrClosed if the queue is closed, when Put is called or while it waits; v is
// then not queued. Put follows the package's cancellation rule: if ctx has
// already ended when Put is called, it returns ctx.Err() even if there is
// room, and if ctx ends before v is accepted, it returns ctx.Err(); v is then
// not queued (a Take that frees a slot skips a Put whose ctx has ended). A
// value is never both queued and reported as failed. Put panics if ctx is
// nil.
func (q *Queue[T]) Put(ctx context.Context, v T) error {
	check.Context(ctx, "syncx", "Queue.Put")
	done := ctx.Done()
	q.mu.Lock()
	// Looking at done under q.mu: a Take that came after ctx ended cannot
	// have made room unseen.
	if closed(done) {
		q.mu.Unlock()
		return ctx.Err()
	}
	if q.closed {
		q.mu.Unlock()
		return ErrClosed
	}
	if q.putLocked(v) {
		q.mu.Unlock()
		return nil
	}
	w := &queueWaiter[T]{ch: make(chan struct{}), done: done, val: queueWait[T]{v: v}}
	q.putters.pushBack(w)
	q.mu.Unlock()
	_, err := q.wait(ctx, w, &q.putters)
	return err
}

// TryPut appends v to the queue if that is possible without blocking, and
// reports whether it did. It returns false if the queue is closed or full.
func (q *Queue[T]) TryPut(v T) bool {
	q.mu.Lock()
	ok := !q.closed && q.putLocked(v)
	q.mu.Unlock()
	return ok
}

// putLocked hands v to the first blocked Take, or queues it if there is room.
func (q *Queue[T]) putLocked(v T) bool {
	if t := q.takers.nextLive(); t != nil {
		t.val.v = v
		q.takers.leave(t, waitGranted)
		return true
	}
	if q.capacity > 0 && q.buf.n >= q.capacity {
		return false
	}
	q.buf.push(v)
	return true
}

// Take removes and returns the value at the head of the queue, blocking while
// the queue is empty.
//
// Once the queue is closed, Take still returns the queued values; when none is
// left it returns ErrClosed, also if it was waiting at the time of Close. Take
// follows the package's cancellation rule: if ctx has already ended when Take
// is called, it returns ctx.Err() even if a value is queued, and if ctx ends
// before a value is handed to it, it returns ctx.Err() and no value is removed
// (a Put skips a Take whose ctx has ended). A value handed to Take is returned
// with a nil error: no value is lost. Take panics if ctx is nil.
func (q *Queue[T]) Take(ctx context.Context) (T, error) {
	check.Context(ctx, "syncx", "Queue.Take")
	done := ctx.Done()
	q.mu.Lock()
	// Looking at done under q.mu: a Put that came after ctx ended cannot
	// have queued a value unseen.
	if closed(done) {
		q.mu.Unlock()
		var zero T
		return zero, ctx.Err()
	}
	if v, ok := q.takeLocked(); ok {
		q.mu.Unlock()
		return v, nil
	}
	if q.closed {
		q.mu.Unlock()
		var zero T
		return zero, ErrClosed
	}
	w := &queueWaiter[T]{ch: make(chan struct{}), done: done}
	q.takers.pushBack(w)
	q.mu.Unlock()
	return q.wait(ctx, w, &q.takers)
}

// TryTake removes and returns the value at the head of the queue if there is
// one, without blocking. It reports false if the queue is empty.
func (q *Queue[T]) TryTake() (T, bool) {
	q.mu.Lock()
	v, ok := q.takeLocked()
	q.mu.Unlock()
	return v, ok
}

// takeLocked pops the head of buf and refills the freed slot from the first
// blocked Put.
func (q *Queue[T]) takeLocked() (T, bool) {
	if q.buf.n == 0 {
		var zero T
		return zero, false
	}
	v := q.buf.pop()
	if p := q.putters.nextLive(); p != nil {
		q.buf.push(p.val.v)
		var zero T
		p.val.v = zero
		q.putters.leave(p, waitGranted)
	}
	return v, true
}

// wait blocks until w leaves list: completed (granted, or failed by Close),
// or abandoned because ctx ended; if ctx ends while w is still on list, w
// leaves it.
func (q *Queue[T]) wait(ctx context.Context, w *queueWaiter[T], list *waitList[queueWait[T]]) (T, error) {
	select {
	case <-w.ch:
	case <-w.done:
		q.mu.Lock()
		if w.state == waitWaiting {
			list.remove(w)
			w.state = waitAbandoned
		}
		q.mu.Unlock()
	}
	// w.state is final: set before w.ch was closed, or under q.mu.
	if w.state == waitAbandoned {
		var zero T
		return zero, ctx.Err()
	}
	return w.val.v, w.val.err
}

// Len returns the number of values in the queue. Values of Put calls that are
// blocked on a full queue are not counted.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.buf.n
}

// Close closes the queue: later Put and TryPut calls fail, blocked Put calls
// return ErrClosed without queueing their values, and blocked Take calls
// return ErrClosed (there are only blocked Take calls when the queue is
// empty); a blocked call whose ctx had already ended returns ctx.Err().
// Values already queued can still be taken. Closing a closed queue does
// nothing: unlike a channel, Close may be called more than once, for
// instance by each of several producers.
func (q *Queue[T]) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.closed = true
	for _, l := range []*waitList[queueWait[T]]{&q.putters, &q.takers} {
		for w := l.head; w != nil; w = l.head {
			var zero T
			w.val.v = zero
			// A waiter whose ctx has already ended was not satisfied
			// before it ended: by the cancellation rule it reports
			// ctx.Err(), not ErrClosed, whoever runs first.
			if closed(w.done) {
				l.leave(w, waitAbandoned)
				continue
			}
			w.val.err = ErrClosed
			l.leave(w, waitGranted)
		}
	}
}

// queueRing is a growable ring buffer.
type queueRing[T any] struct {
	items []T
	head  int // index of the first value
	n     int // number of values
}

func (r *queueRing[T]) push(v T) {
	if r.n == len(r.items) {
		r.grow()
	}
	r.items[(r.head+r.n)%len(r.items)] = v
	r.n++
}

func (r *queueRing[T]) pop() T {
	v := r.items[r.head]
	var zero T
	r.items[r.head] = zero // drop the reference for the garbage collector
	r.head = (r.head + 1) % len(r.items)
	r.n--
	return v
}

func (r *queueRing[T]) grow() {
	size := max(2*len(r.items), 8)
	items := make([]T, size)
	k := copy(items, r.items[r.head:])
	copy(items[k:], r.items[:r.head])
	r.items = items
	r.head = 0
}
