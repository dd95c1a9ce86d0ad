package syncx

import (
	"context"
	"sync"
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
	takers  queueList[T] // blocked Take calls; non-empty only while buf is empty
	putters queueList[T] // blocked Put calls; non-empty only while buf is full
	closed  bool
}

// queueWaiter is one blocked Put or Take. Its channel is made when the wait
// begins, so the goroutine is durably blocked in a testing/synctest bubble.
type queueWaiter[T any] struct {
	v          T             // the value to put, or the value taken
	err        error         // nil, or ErrClosed when Close woke the waiter
	done       bool          // the operation completed; guarded by mu
	ch         chan struct{} // closed once done is set
	prev, next *queueWaiter[T]
}

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
// then not queued. If ctx ends first (or has ended when Put is called), Put
// returns ctx.Err() and v is not queued. If v was accepted at the moment ctx
// ended, Put returns nil: a value is never both queued and reported as failed.
func (q *Queue[T]) Put(ctx context.Context, v T) error {
	done := ctx.Done()
	if done != nil {
		select {
		case <-done:
			return ctx.Err()
		default:
		}
	}
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return ErrClosed
	}
	if q.putLocked(v) {
		q.mu.Unlock()
		return nil
	}
	w := &queueWaiter[T]{v: v, ch: make(chan struct{})}
	q.putters.push(w)
	q.mu.Unlock()
	_, err := q.wait(ctx, done, w, &q.putters)
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
	if t := q.takers.head; t != nil {
		q.takers.remove(t)
		t.v = v
		t.done = true
		close(t.ch)
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
// left it returns ErrClosed, also if it was waiting at the time of Close. If
// ctx ends first (or has ended when Take is called), Take returns ctx.Err() and
// no value is removed. If a value was handed to this Take at the moment ctx
// ended, Take returns it with a nil error: no value is lost.
func (q *Queue[T]) Take(ctx context.Context) (T, error) {
	done := ctx.Done()
	if done != nil {
		select {
		case <-done:
			var zero T
			return zero, ctx.Err()
		default:
		}
	}
	q.mu.Lock()
	if v, ok := q.takeLocked(); ok {
		q.mu.Unlock()
		return v, nil
	}
	if q.closed {
		q.mu.Unlock()
		var zero T
		return zero, ErrClosed
	}
	w := &queueWaiter[T]{ch: make(chan struct{})}
	q.takers.push(w)
	q.mu.Unlock()
	return q.wait(ctx, done, w, &q.takers)
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
	if p := q.putters.head; p != nil {
		q.putters.remove(p)
		q.buf.push(p.v)
		var zero T
		p.v = zero
		p.done = true
		close(p.ch)
	}
	return v, true
}

// wait blocks until w completes or ctx ends; on ctx's end it takes w off list
// unless w completed meanwhile, in which case the completion is reported.
func (q *Queue[T]) wait(ctx context.Context, done <-chan struct{}, w *queueWaiter[T], list *queueList[T]) (T, error) {
	if done == nil {
		<-w.ch
		return w.v, w.err
	}
	select {
	case <-w.ch:
		return w.v, w.err
	case <-done:
	}
	q.mu.Lock()
	if w.done {
		q.mu.Unlock()
		return w.v, w.err
	}
	list.remove(w)
	q.mu.Unlock()
	var zero T
	return zero, ctx.Err()
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
// empty). Values already queued can still be taken. Closing a closed queue
// does nothing: unlike a channel, Close may be called more than once, for
// instance by each of several producers.
func (q *Queue[T]) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.closed = true
	for _, l := range []*queueList[T]{&q.putters, &q.takers} {
		for w := l.head; w != nil; w = l.head {
			l.remove(w)
			var zero T
			w.v = zero
			w.err = ErrClosed
			w.done = true
			close(w.ch)
		}
	}
}

// queueList is a doubly linked FIFO of waiters.
type queueList[T any] struct {
	head, tail *queueWaiter[T]
}

func (l *queueList[T]) push(w *queueWaiter[T]) {
	w.prev = l.tail
	if l.tail == nil {
		l.head = w
	} else {
		l.tail.next = w
	}
	l.tail = w
}

func (l *queueList[T]) remove(w *queueWaiter[T]) {
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
