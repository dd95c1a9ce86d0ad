package syncx

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concurkit/concur/internal/check"
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
// scheduled. A woken waiter that loses keeps its place at the head of the
// line; one that has lost that race several times, or waited more than a
// millisecond, is handed the lock directly by the next Unlock, so no waiter
// starves. A goroutine blocked in Lock or LockContext is durably
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
	q     waitList[lockWait]
}

// lockWait is what a Mutex, RWMutex or Cond knows about one of its waiters.
type lockWait struct {
	seq       uint64 // RWMutex only: arrival order across its two lists
	reader    bool   // RWMutex only: waits for a read lock
	starving  bool   // Mutex only: to be handed the lock directly
	signalled bool   // Cond only: woken by Signal, a wake-up that must not be lost
}

type lockWaiter = waiter[lockWait]

const (
	mutexLocked int32 = 1 << iota
	mutexQueued

	// A woken waiter that was overtaken this many times, or has waited this
	// long, is handed the lock directly (the count matters in a synctest
	// bubble, where time stands still while goroutines run).
	mutexMaxOvertakes = 4
	mutexMaxWait      = time.Millisecond
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
// returns ctx.Err() and m is not held by the caller. It follows the package's
// cancellation rule: if ctx is already done, LockContext fails without taking
// the lock even if m is free, and if ctx ended before the lock was taken, it
// fails and passes the lock on (a hand-over or wake-up that raced the
// cancellation goes to the next waiter). LockContext panics if ctx is nil.
func (m *Mutex) LockContext(ctx context.Context) error {
	check.Context(ctx, "syncx", "Mutex.LockContext")
	done := ctx.Done()
	if closed(done) {
		return ctx.Err()
	}
	if lockcheckOn {
		if m.lockChecked(done) != nil {
			return ctx.Err()
		}
	} else if !m.state.CompareAndSwap(0, mutexLocked) {
		if err := m.lockSlow(done); err != nil {
			return ctx.Err()
		}
	}
	if closed(done) {
		// ctx may have ended before the lock became ours (in the spin, in
		// the competition after a wake-up, or by a hand-over): do not keep
		// it.
		m.Unlock()
		return ctx.Err()
	}
	return nil
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
	return spin(m.tryLock, func() bool { return m.state.Load()&mutexLocked != 0 })
}

// lockSlow competes for the lock, queueing between attempts, until it takes
// the lock (nil) or done is closed (errCancelled); done is nil for Lock.
func (m *Mutex) lockSlow(done <-chan struct{}) error {
	var w *lockWaiter
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
			w = &lockWaiter{}
			since = time.Now()
		}
		w.ch, w.state = make(chan struct{}), waitWaiting
		if overtaken > 0 {
			// Woken from the head and overtaken by a goroutine that was
			// just arriving: it keeps its place at the head, ahead of the
			// waiters that arrived after it.
			m.q.pushFront(w)
		} else {
			m.q.pushBack(w)
		}
		m.mu.Unlock()

		select {
		case <-w.ch:
			if w.state == waitGranted {
				return nil // handed over
			}
			// Woken to compete. If we lose again, we become starving and
			// the next Unlock hands the lock to us.
			overtaken++
			if overtaken >= mutexMaxOvertakes || time.Since(since) >= mutexMaxWait {
				w.val.starving = true
			}
			continue
		case <-done:
		}
		m.mu.Lock()
		switch w.state {
		case waitGranted:
			// Unlock handed us the lock while ctx was ending. We report
			// the cancellation, so release it as Unlock would.
			m.releaseLocked()
		case waitWoken:
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
		return errCancelled
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
	if w != nil && w.val.starving {
		if m.q.len == 1 {
			m.state.Store(mutexLocked) // before w runs and may unlock
		}
		m.q.leave(w, waitGranted)
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
	w := m.q.head
	if w == nil {
		return
	}
	if m.q.len == 1 {
		m.state.And(^mutexQueued)
	}
	m.q.leave(w, waitWoken)
}
