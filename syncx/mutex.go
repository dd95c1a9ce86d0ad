package syncx

import (
	"context"
	"sync"
	"sync/atomic"
)

// A Mutex is a mutual exclusion lock whose Lock can be abandoned through a
// context. The zero value is an unlocked mutex. A Mutex must not be copied
// after first use.
//
// As with sync.Mutex, a locked Mutex is not associated with a particular
// goroutine: one goroutine may lock it and another unlock it. In the terms of
// the Go memory model, the n'th call to Unlock synchronizes before the m'th
// successful Lock, LockContext or TryLock returns, for any n < m.
//
// Waiting goroutines are served in arrival order: Unlock hands the lock
// directly to the longest waiting goroutine, so no waiter starves. A
// goroutine blocked in Lock or LockContext is durably blocked in the sense of
// testing/synctest.
type Mutex struct {
	_ noCopy

	// state is mutexLocked, optionally with mutexQueued. The fast paths are
	// a single compare-and-swap on it; everything else happens under mu.
	//
	// Invariant (under mu): mutexQueued is set if and only if q is not
	// empty, and then mutexLocked is set too, because the lock is only ever
	// released while nobody waits (otherwise it is handed over). Hence the
	// lock is free exactly when state == 0, which is what makes TryLock
	// exact.
	state atomic.Int32
	mu    sync.Mutex
	q     mutexQueue
}

const (
	mutexLocked int32 = 1 << iota
	mutexQueued
)

// Lock locks m. If the lock is already in use, the calling goroutine blocks
// until the mutex is available.
func (m *Mutex) Lock() {
	if m.state.CompareAndSwap(0, mutexLocked) {
		return
	}
	m.lockSlow(nil)
}

// TryLock tries to lock m and reports whether it succeeded. It fails only
// when m is locked at that moment; it never fails because of contention
// alone.
func (m *Mutex) TryLock() bool {
	return m.state.CompareAndSwap(0, mutexLocked)
}

// LockContext locks m, blocking until the mutex is available or ctx is done,
// whichever happens first. It returns nil when it has locked m. Otherwise it
// returns ctx.Err() and m is not held by the caller: a hand-over that raced
// the cancellation is passed on to the next waiter. If ctx is already done
// when LockContext is called, it fails without taking the lock even if m is
// free.
func (m *Mutex) LockContext(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if m.state.CompareAndSwap(0, mutexLocked) {
		return nil
	}
	return m.lockSlow(ctx)
}

// Unlock unlocks m. It panics if m is not locked. If goroutines are waiting,
// the longest waiting one receives the lock.
func (m *Mutex) Unlock() {
	if m.state.CompareAndSwap(mutexLocked, 0) {
		return
	}
	m.unlockSlow()
}

// lockSlow queues the caller and waits to be handed the lock. ctx may be nil
// for Lock.
func (m *Mutex) lockSlow(ctx context.Context) error {
	m.mu.Lock()
	for {
		s := m.state.Load()
		if s == 0 {
			if m.state.CompareAndSwap(0, mutexLocked) {
				m.mu.Unlock()
				return nil
			}
			continue
		}
		// Announce the waiter with a CAS on the exact locked state seen, so
		// that the holder's fast-path Unlock (a CAS from mutexLocked) either
		// happened before — and we retry — or fails and takes the slow path,
		// which needs mu and will therefore see us in the queue.
		if s&mutexQueued != 0 || m.state.CompareAndSwap(s, s|mutexQueued) {
			break
		}
	}
	w := &mutexWaiter{ch: make(chan struct{})}
	m.q.pushBack(w)
	m.mu.Unlock()

	if ctx == nil {
		<-w.ch
		return nil
	}
	select {
	case <-w.ch:
		return nil
	case <-ctx.Done():
	}
	m.mu.Lock()
	if w.granted {
		// Unlock handed us the lock while ctx was ending. We report the
		// cancellation, so pass the lock on as if we had unlocked it.
		m.handOffLocked()
	} else {
		m.q.remove(w)
		if m.q.empty() {
			m.state.And(^mutexQueued)
		}
	}
	m.mu.Unlock()
	return ctx.Err()
}

func (m *Mutex) unlockSlow() {
	m.mu.Lock()
	if m.state.Load()&mutexLocked == 0 {
		m.mu.Unlock()
		panic("syncx: unlock of unlocked Mutex")
	}
	m.handOffLocked()
	m.mu.Unlock()
}

// handOffLocked releases the lock held by the caller: to the first waiter if
// there is one (the state stays locked), otherwise by clearing the state.
// m.mu must be held.
func (m *Mutex) handOffLocked() {
	w := m.q.popFront()
	if w == nil {
		m.state.Store(0)
		return
	}
	if m.q.empty() {
		m.state.Store(mutexLocked)
	}
	w.grant()
}

// mutexWaiter is one goroutine blocked in a Mutex, RWMutex or Cond. It waits
// on its own channel, created when the wait begins, so that the wait is
// durable under testing/synctest and a channel never outlives the bubble it
// was made in.
type mutexWaiter struct {
	ch         chan struct{}
	prev, next *mutexWaiter
	granted    bool   // set, under the owner's mutex, when it leaves the queue by grant
	reader     bool   // RWMutex only: waits for a read lock
	seq        uint64 // RWMutex only: arrival order across its two queues
}

// grant tells w that it was given what it waited for. The caller has removed
// w from its queue and holds the owner's mutex.
func (w *mutexWaiter) grant() {
	w.granted = true
	close(w.ch)
}

// mutexQueue is an intrusive FIFO of waiters with O(1) removal, so that a
// cancelled waiter can leave from anywhere in the queue.
type mutexQueue struct {
	head, tail *mutexWaiter
	len        int
}

func (q *mutexQueue) empty() bool { return q.head == nil }

func (q *mutexQueue) pushBack(w *mutexWaiter) {
	w.prev, w.next = q.tail, nil
	if q.tail == nil {
		q.head = w
	} else {
		q.tail.next = w
	}
	q.tail = w
	q.len++
}

func (q *mutexQueue) popFront() *mutexWaiter {
	w := q.head
	if w != nil {
		q.remove(w)
	}
	return w
}

func (q *mutexQueue) remove(w *mutexWaiter) {
	if w.prev == nil {
		q.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		q.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next = nil, nil
	q.len--
}
