package syncx

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
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
// Waiting goroutines queue in arrival order, and Unlock wakes the first. As
// in sync.Mutex, a woken waiter competes with goroutines that are just
// arriving, which keeps the lock busy instead of idle while a waiter is being
// scheduled; a waiter that has lost that race several times, or waited more
// than a millisecond, is handed the lock directly by the next Unlock, so no
// waiter starves. A goroutine blocked in Lock or LockContext is durably
// blocked in the sense of testing/synctest.
type Mutex struct {
	_ noCopy

	// state holds mutexLocked and mutexQueued. The uncontended paths are a
	// single compare-and-swap on it; queueing and waking happen under mu.
	//
	// Invariant (under mu): mutexQueued is set iff q is not empty. A waiter
	// sets it with a CAS on the exact locked state it saw, so the holder's
	// fast-path Unlock (a CAS from mutexLocked alone) either came first, and
	// the waiter retries, or fails and takes the slow path, which needs mu
	// and therefore sees the waiter. The lock is free iff mutexLocked is
	// clear, whatever the queue.
	state atomic.Int32
	mu    sync.Mutex
	q     mutexQueue
}

const (
	mutexLocked int32 = 1 << iota
	mutexQueued

	// A woken waiter that was overtaken this many times, or has waited this
	// long, is handed the lock directly (the count matters in a synctest
	// bubble, where time stands still while goroutines run).
	mutexMaxOvertakes = 4
	mutexMaxWait      = time.Millisecond

	// Rounds of busy-waiting before a goroutine queues: a critical section
	// is often shorter than parking and waking a goroutine.
	mutexSpinRounds = 4
	mutexSpinLoads  = 32
)

// Lock locks m. If the lock is already in use, the calling goroutine blocks
// until the mutex is available.
func (m *Mutex) Lock() {
	if lockcheckOn {
		m.lockChecked(nil)
		return
	}
	if m.state.CompareAndSwap(0, mutexLocked) {
		return
	}
	m.lockSlow(nil)
}

// TryLock tries to lock m and reports whether it succeeded. It fails only
// when m is locked at that moment; it never fails because of contention
// alone.
func (m *Mutex) TryLock() bool {
	if m.tryLock() {
		lockcheckTryMutex(m)
		return true
	}
	return false
}

// tryLock is TryLock without the checker's hook, for the lock's own retries.
func (m *Mutex) tryLock() bool {
	for {
		s := m.state.Load()
		if s&mutexLocked != 0 {
			return false
		}
		if m.state.CompareAndSwap(s, s|mutexLocked) {
			return true
		}
	}
}

// LockContext locks m, blocking until the mutex is available or ctx is done,
// whichever happens first. It returns nil when it has locked m. Otherwise it
// returns ctx.Err() and m is not held by the caller: a hand-over or wake-up
// that raced the cancellation is passed on to the next waiter. If ctx is
// already done when LockContext is called, it fails without taking the lock
// even if m is free.
func (m *Mutex) LockContext(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if lockcheckOn {
		return m.lockChecked(ctx)
	}
	if m.state.CompareAndSwap(0, mutexLocked) {
		return nil
	}
	return m.lockSlow(ctx)
}

// Unlock unlocks m. It panics if m is not locked.
func (m *Mutex) Unlock() {
	lockcheckUnlockMutex(m)
	if m.state.CompareAndSwap(mutexLocked, 0) {
		return
	}
	m.unlockSlow()
}

// spinLock tries to take the lock while it is free, briefly busy-waiting for
// a holder that is probably about to release it.
func (m *Mutex) spinLock() bool {
	for range mutexSpinRounds {
		if m.tryLock() {
			return true
		}
		for range mutexSpinLoads {
			if m.state.Load()&mutexLocked == 0 {
				break
			}
		}
	}
	return false
}

// lockSlow competes for the lock, queueing between attempts. ctx may be nil
// for Lock.
func (m *Mutex) lockSlow(ctx context.Context) error {
	var done <-chan struct{}
	if ctx != nil {
		done = ctx.Done()
	}
	var w *mutexWaiter
	var since time.Time
	overtaken := 0
	for {
		if m.spinLock() {
			return nil
		}
		m.mu.Lock()
		for {
			s := m.state.Load()
			if s&mutexLocked == 0 {
				if m.state.CompareAndSwap(s, s|mutexLocked) {
					m.mu.Unlock()
					return nil
				}
				continue
			}
			if s&mutexQueued != 0 || m.state.CompareAndSwap(s, s|mutexQueued) {
				break
			}
		}
		// A fresh channel for every wait: a closed one cannot be reused.
		if w == nil {
			w = &mutexWaiter{}
			since = time.Now()
		}
		w.ch, w.woken = make(chan struct{}), false
		if w.starving {
			m.q.pushFront(w) // it keeps its place at the head
		} else {
			m.q.pushBack(w)
		}
		m.mu.Unlock()

		select {
		case <-w.ch:
			if w.granted {
				return nil // handed over
			}
			// Woken to compete. If we lose again, we become starving and
			// the next Unlock hands the lock to us.
			overtaken++
			if overtaken >= mutexMaxOvertakes || time.Since(since) >= mutexMaxWait {
				w.starving = true
			}
			continue
		case <-done:
		}
		m.mu.Lock()
		switch {
		case w.granted:
			// Unlock handed us the lock while ctx was ending. We report
			// the cancellation, so release it as Unlock would.
			m.releaseLocked()
		case w.woken:
			// We were woken to compete but leave instead: pass the wake-up
			// on, or a waiter could sleep while the lock is free.
			if m.state.Load()&mutexLocked == 0 {
				m.wakeLocked()
			}
		default:
			m.q.remove(w)
			if m.q.empty() {
				m.state.And(^mutexQueued)
			}
		}
		m.mu.Unlock()
		return ctx.Err()
	}
}

func (m *Mutex) unlockSlow() {
	m.mu.Lock()
	if m.state.Load()&mutexLocked == 0 {
		m.mu.Unlock()
		panic("syncx: unlock of unlocked Mutex")
	}
	m.releaseLocked()
	m.mu.Unlock()
}

// releaseLocked releases the lock held by the caller: straight to the first
// waiter if it is starving (the state stays locked), otherwise by clearing
// mutexLocked and waking the first waiter to compete. m.mu must be held.
// While the lock is held only its holder changes the state (every other
// writer either needs mu or CASes from an unlocked state), so plain stores
// are safe here.
func (m *Mutex) releaseLocked() {
	w := m.q.head
	if w != nil && w.starving {
		m.q.remove(w)
		if m.q.empty() {
			m.state.Store(mutexLocked)
		}
		w.grant()
		return
	}
	if w == nil {
		m.state.Store(0)
		return
	}
	m.state.Store(mutexQueued)
	m.wakeLocked()
}

// wakeLocked wakes the first waiter, if any, to compete for the lock. m.mu
// must be held.
func (m *Mutex) wakeLocked() {
	w := m.q.popFront()
	if w == nil {
		return
	}
	if m.q.empty() {
		m.state.And(^mutexQueued)
	}
	w.woken = true
	close(w.ch)
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
	woken      bool   // Mutex only: left the queue to compete for the lock
	starving   bool   // Mutex only: to be handed the lock directly
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

func (q *mutexQueue) pushFront(w *mutexWaiter) {
	w.prev, w.next = nil, q.head
	if q.head == nil {
		q.tail = w
	} else {
		q.head.prev = w
	}
	q.head = w
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
