package syncx

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/concurkit/concur/internal/check"
)

// A Policy decides who goes first when readers and writers of an RWMutex
// compete. The zero value is WriterPreferring.
type Policy int

const (
	// WriterPreferring is the policy of sync.RWMutex and of the zero
	// RWMutex: once a writer waits, new readers wait behind it, so writers
	// are not starved by a steady stream of readers. When a writer unlocks,
	// the readers that were already waiting go before the next writer, so
	// readers are not starved either.
	WriterPreferring Policy = iota

	// ReaderPreferring lets new readers in whenever no writer holds the
	// lock, even while writers wait. It gives the highest read throughput and
	// allows recursive read locking, but a steady stream of overlapping
	// readers starves writers: a writer gets the lock only when the number
	// of readers drops to zero.
	ReaderPreferring

	// Fair serves readers and writers strictly in arrival order (task-fair
	// FIFO); consecutive readers at the head of the queue share the lock.
	// Neither readers nor writers starve: a waiter is overtaken by nobody
	// who arrived after it. The price is less read parallelism than the
	// other policies when writers are frequent.
	Fair
)

// String returns the name of the policy.
func (p Policy) String() string {
	switch p {
	case WriterPreferring:
		return "WriterPreferring"
	case ReaderPreferring:
		return "ReaderPreferring"
	case Fair:
		return "Fair"
	}
	return fmt.Sprintf("Policy(%d)", int(p))
}

// An RWMutex is a reader/writer mutual exclusion lock with a chosen Policy.
// The lock can be held by an arbitrary number of readers or by a single
// writer. The zero value is an unlocked WriterPreferring RWMutex, which
// behaves as sync.RWMutex does; NewRWMutex makes one with another policy. An
// RWMutex must not be copied after first use.
//
// Under WriterPreferring and Fair, a goroutine must not expect to take a read
// lock while it holds one already: a writer that started waiting in between
// would make it wait forever, as with sync.RWMutex.
//
// In the terms of the Go memory model, the n'th call to Unlock synchronizes
// before the m'th call to Lock for any n < m, just as for Mutex; for any call
// to RLock there exists an n such that the n'th call to Unlock synchronizes
// before that RLock returns, and the matching RUnlock synchronizes before the
// next Lock returns.
//
// A goroutine blocked in Lock, LockContext, RLock or RLockContext is durably
// blocked in the sense of testing/synctest.
type RWMutex struct {
	_ noCopy

	// state packs the reader count (in units of rwReader) with three flags.
	// Fast paths are one atomic operation on it; everything that queues or
	// grants happens under mu.
	//
	// Invariants, under mu: rwQueued is set iff rq or wq is not empty;
	// rwGate is set iff the policy makes new readers queue (WriterPreferring:
	// a writer waits; Fair: anybody waits). A waiter sets these flags with a
	// compare-and-swap on the exact state in which it saw the lock held, so
	// the holder's release either came first (and the waiter retries) or
	// sees the flag and takes the slow path, which grants under mu.
	state  atomic.Int64
	policy Policy

	mu     sync.Mutex
	rq, wq waitList[lockWait] // waiting readers and writers
	seq    uint64             // arrival counter, orders rq against wq for Fair
}

const (
	rwWriter int64 = 1 << iota // a writer holds the lock
	rwQueued                   // somebody waits: releases must take the slow path
	rwGate                     // new readers must take the slow path
	rwReader                   // one reader; the count occupies the remaining bits
)

// NewRWMutex returns an unlocked RWMutex with policy p. It panics if p is not
// one of WriterPreferring, ReaderPreferring and Fair.
func NewRWMutex(p Policy) *RWMutex {
	if p < WriterPreferring || p > Fair {
		panic(fmt.Sprintf("syncx: NewRWMutex with invalid %v", p))
	}
	return &RWMutex{policy: p}
}

// Lock locks rw for writing, blocking until no reader or writer holds it and,
// under Fair, until every goroutine that started waiting earlier is served.
func (rw *RWMutex) Lock() {
	if lockcheckOn {
		rw.lockChecked(nil)
		return
	}
	if rw.state.CompareAndSwap(0, rwWriter) {
		return
	}
	rw.lockSlow(nil)
}

// TryLock tries to lock rw for writing and reports whether it succeeded. It
// fails only if rw is held at that moment (possibly by a reader whose RLock is
// under way, as with sync.RWMutex) or goroutines are already queued for it
// (they are served first); never because of contention alone.
func (rw *RWMutex) TryLock() bool {
	if rw.tryLock() {
		lockcheckTryRW(rw, false)
		return true
	}
	return false
}

// tryLock is TryLock without the checker's hook, for the lock's own retries.
func (rw *RWMutex) tryLock() bool {
	return rw.state.CompareAndSwap(0, rwWriter)
}

// LockContext locks rw for writing like Lock, unless ctx is done first: then
// it returns ctx.Err() and holds nothing, and the readers it held back (under
// WriterPreferring and Fair) are let in. It follows the package's
// cancellation rule: if ctx is already done, LockContext fails at once even
// if rw is free, and a lock granted after ctx ended is passed on.
// LockContext panics if ctx is nil.
func (rw *RWMutex) LockContext(ctx context.Context) error {
	check.Context(ctx, "syncx", "RWMutex.LockContext")
	done := ctx.Done()
	if closed(done) {
		return ctx.Err()
	}
	if lockcheckOn {
		if rw.lockChecked(done) != nil {
			return ctx.Err()
		}
	} else if !rw.state.CompareAndSwap(0, rwWriter) {
		if err := rw.lockSlow(done); err != nil {
			return ctx.Err()
		}
	}
	if closed(done) {
		// ctx may have ended before the lock became ours: pass it on.
		rw.Unlock()
		return ctx.Err()
	}
	return nil
}

// Unlock unlocks rw for writing. It panics if rw is not locked for writing.
// Waiting readers and writers are then served according to the policy.
func (rw *RWMutex) Unlock() {
	lockcheckUnlockRW(rw, false)
	if rw.state.CompareAndSwap(rwWriter, 0) {
		return
	}
	rw.unlockSlow()
}

// RLock locks rw for reading. It blocks while a writer holds the lock and,
// depending on the policy, while writers (WriterPreferring) or any earlier
// arrivals (Fair) wait.
func (rw *RWMutex) RLock() {
	if lockcheckOn {
		rw.rlockChecked(nil)
		return
	}
	// Optimistically count ourselves in with one atomic add, which unlike a
	// compare-and-swap cannot fail because other readers come and go. If a
	// writer holds or the gate is closed, rlockBackOff takes the count back.
	if rw.state.Add(rwReader)&(rwWriter|rwGate) != 0 {
		rw.rlockBackOff(nil)
	}
}

// TryRLock tries to lock rw for reading and reports whether it succeeded. It
// fails only if a writer holds rw or the policy makes new readers wait at
// that moment; other readers coming and going never make it fail.
func (rw *RWMutex) TryRLock() bool {
	if rw.tryRLock() {
		lockcheckTryRW(rw, true)
		return true
	}
	return false
}

// tryRLock is TryRLock without the checker's hook, for the lock's own retries.
func (rw *RWMutex) tryRLock() bool {
	for {
		s := rw.state.Load()
		if s&(rwWriter|rwGate) != 0 {
			return false
		}
		if rw.state.CompareAndSwap(s, s+rwReader) {
			return true
		}
	}
}

// RLockContext locks rw for reading like RLock, unless ctx is done first:
// then it returns ctx.Err() and holds nothing. It follows the package's
// cancellation rule: if ctx is already done, RLockContext fails at once even
// if rw is free, and a read lock granted after ctx ended is given back.
// RLockContext panics if ctx is nil.
func (rw *RWMutex) RLockContext(ctx context.Context) error {
	check.Context(ctx, "syncx", "RWMutex.RLockContext")
	done := ctx.Done()
	if closed(done) {
		return ctx.Err()
	}
	if lockcheckOn {
		if rw.rlockChecked(done) != nil {
			return ctx.Err()
		}
	} else if rw.state.Add(rwReader)&(rwWriter|rwGate) != 0 {
		if err := rw.rlockBackOff(done); err != nil {
			return ctx.Err()
		}
	}
	if closed(done) {
		// ctx may have ended before the read lock became ours: give it back.
		rw.RUnlock()
		return ctx.Err()
	}
	return nil
}

// RUnlock undoes a single RLock. It panics if rw is not locked for reading.
func (rw *RWMutex) RUnlock() {
	lockcheckUnlockRW(rw, true)
	rw.runlock()
}

// runlock is RUnlock without the checker's hook, for the lock's own use.
func (rw *RWMutex) runlock() {
	// Only the last reader out can make a grant possible, and only if
	// somebody waits.
	if s := rw.state.Add(-rwReader); s < rwReader && (s < 0 || s&rwQueued != 0) {
		rw.runlockSlow(s)
	}
}

// RLocker returns a sync.Locker whose Lock and Unlock call rw.RLock and
// rw.RUnlock.
func (rw *RWMutex) RLocker() sync.Locker {
	return (*rwReadLocker)(rw)
}

type rwReadLocker RWMutex

func (r *rwReadLocker) Lock()   { (*RWMutex)(r).RLock() }
func (r *rwReadLocker) Unlock() { (*RWMutex)(r).RUnlock() }

// gate returns the rwGate flag the policy wants when nw writers and n
// goroutines in all wait.
func (rw *RWMutex) gate(nw, n int) int64 {
	switch {
	case rw.policy == WriterPreferring && nw > 0, rw.policy == Fair && n > 0:
		return rwGate
	}
	return 0
}

// spinFor busy-waits briefly for the lock to become available to try, which
// is much cheaper than queueing when critical sections are short. busy is the
// part of the state that must be clear for try to succeed.
func (rw *RWMutex) spinFor(try func() bool, busy int64) bool {
	return spin(try, func() bool { return rw.state.Load()&busy != 0 })
}

// lockSlow takes the write lock, or returns errCancelled once done (nil for
// Lock) is closed.
func (rw *RWMutex) lockSlow(done <-chan struct{}) error {
	if rw.spinFor(rw.tryLock, -1) {
		return nil
	}
	rw.mu.Lock()
	for {
		s := rw.state.Load()
		if s == 0 {
			if rw.state.CompareAndSwap(0, rwWriter) {
				rw.mu.Unlock()
				return nil
			}
			continue
		}
		f := rwQueued | rw.gate(rw.wq.len+1, rw.wq.len+rw.rq.len+1)
		if s|f == s || rw.state.CompareAndSwap(s, s|f) {
			break
		}
	}
	w := &lockWaiter{ch: make(chan struct{}), val: lockWait{seq: rw.seq}}
	rw.seq++
	rw.wq.pushBack(w)
	rw.mu.Unlock()
	return rw.wait(done, w)
}

// rlockBackOff undoes the optimistic count of RLock and RLockContext and
// takes the slow path. While counted, the reader may have made a grant of the
// lock to a writer fail (the writer saw a reader); undoing the count as
// RUnlock does runs the grant that the reader prevented. To TryLock, the
// transient count looks like a reader holding the lock for a moment, which is
// a legitimate outcome while that RLock is under way.
func (rw *RWMutex) rlockBackOff(done <-chan struct{}) error {
	rw.runlock()
	return rw.rlockSlow(done)
}

func (rw *RWMutex) rlockSlow(done <-chan struct{}) error {
	// Other readers changing the count make the fast path's CAS fail; that
	// is no reason to queue, and TryRLock retries on exactly that.
	if rw.spinFor(rw.tryRLock, rwWriter|rwGate) {
		return nil
	}
	rw.mu.Lock()
	for {
		s := rw.state.Load()
		if s&(rwWriter|rwGate) == 0 {
			if rw.state.CompareAndSwap(s, s+rwReader) {
				rw.mu.Unlock()
				return nil
			}
			continue
		}
		f := rwQueued | rw.gate(rw.wq.len, rw.wq.len+rw.rq.len+1)
		if s|f == s || rw.state.CompareAndSwap(s, s|f) {
			break
		}
	}
	w := &lockWaiter{ch: make(chan struct{}), val: lockWait{seq: rw.seq, reader: true}}
	rw.seq++
	rw.rq.pushBack(w)
	rw.mu.Unlock()
	return rw.wait(done, w)
}

// wait blocks until w is granted (nil) or done, nil for Lock and RLock, is
// closed (errCancelled).
func (rw *RWMutex) wait(done <-chan struct{}, w *lockWaiter) error {
	select {
	case <-w.ch:
		return nil
	case <-done:
	}
	rw.mu.Lock()
	switch {
	case w.state == waitGranted && w.val.reader:
		// Granted while ctx ended: we report the cancellation, so release.
		rw.state.Add(-rwReader)
		rw.grantLocked(false)
	case w.state == waitGranted:
		rw.state.Add(-rwWriter)
		rw.grantLocked(true)
	default:
		if w.val.reader {
			rw.rq.remove(w)
		} else {
			rw.wq.remove(w)
		}
		// Our leaving may let others in: readers that waited behind us
		// (Fair) or behind the gate we kept closed (WriterPreferring).
		rw.grantLocked(false)
	}
	rw.mu.Unlock()
	return errCancelled
}

func (rw *RWMutex) unlockSlow() {
	rw.mu.Lock()
	if rw.state.Load()&rwWriter == 0 {
		rw.mu.Unlock()
		panic("syncx: unlock of unlocked RWMutex")
	}
	rw.state.Add(-rwWriter)
	granted := rw.grantLocked(true)
	rw.mu.Unlock()
	if granted {
		yieldToGrantees()
	}
}

// runlockSlow runs after the count went to s: zero with waiters, or negative
// because there was no reader to unlock.
func (rw *RWMutex) runlockSlow(s int64) {
	if s < 0 {
		rw.state.Add(rwReader)
		// While the count was below zero, others saw the lock as held
		// (the flags in the low bits stayed exact): a writer may have
		// queued, or a release may have failed to grant, with nobody left
		// to grant later. Granting now puts the lock back as it was.
		rw.mu.Lock()
		rw.grantLocked(false)
		rw.mu.Unlock()
		panic("syncx: RUnlock of unlocked RWMutex")
	}
	rw.mu.Lock()
	granted := rw.grantLocked(false)
	rw.mu.Unlock()
	if granted {
		yieldToGrantees()
	}
}

// yieldToGrantees lets the goroutines that Unlock or RUnlock has just handed
// the lock to run at once. Waking a goroutine queues it on the waker's
// processor, behind the waker; an idle processor takes it over only after a
// few microseconds, and meanwhile it holds the lock without running. If the
// waker then needs the lock in the other mode, it must wait for the grantee
// and blocks, so the grantee runs on the same processor, hands the lock to
// the blocked waker when it releases, and soon blocks on it in turn: from
// then on the two take turns on one processor, one park and wake per
// conflicting operation, while the other processors idle (a lock convoy;
// execution traces showed it, and with 10% writes from two goroutines it made
// the lock about 3x slower than sync.RWMutex). Yielding runs the grantees now
// and puts the waker on the global run queue, where an idle processor picks
// it up, so the goroutines run in parallel again. It changes nobody's place
// in line, and it costs one trip through the scheduler on an unlock that had
// to wake somebody anyway; the uncontended paths never get here.
func yieldToGrantees() {
	runtime.Gosched()
}

// grantLocked hands the lock to waiters as far as the policy and the current
// holders allow, then brings the flags in line with the queues. afterWriter
// reports that a writer has just released the lock. It reports whether it
// granted the lock to anybody. rw.mu must be held.
func (rw *RWMutex) grantLocked(afterWriter bool) (granted bool) {
	waiting := rw.rq.len + rw.wq.len
	if rw.state.Load()&rwWriter == 0 {
		switch rw.policy {
		case Fair:
			rw.grantFairLocked()
		case WriterPreferring:
			// Readers that waited for the writer now leaving go before the
			// next writer; readers that queued behind a waiting writer
			// (the gate) stay until that writer has had its turn.
			if afterWriter || rw.wq.empty() {
				rw.grantReadersLocked()
			}
			rw.grantWriterLocked()
		case ReaderPreferring:
			rw.grantReadersLocked()
			rw.grantWriterLocked()
		}
	}
	f := int64(0)
	n := rw.rq.len + rw.wq.len
	if n > 0 {
		f = rwQueued | rw.gate(rw.wq.len, n)
	}
	for {
		s := rw.state.Load()
		ns := s&^(rwQueued|rwGate) | f
		if ns == s || rw.state.CompareAndSwap(s, ns) {
			return n < waiting
		}
	}
}

func (rw *RWMutex) grantReadersLocked() {
	for w := rw.rq.head; w != nil; w = rw.rq.head {
		rw.state.Add(rwReader)
		rw.rq.leave(w, waitGranted)
	}
}

// grantWriterLocked gives the lock to the first waiting writer if nobody
// holds it.
func (rw *RWMutex) grantWriterLocked() {
	if rw.wq.empty() {
		return
	}
	for {
		s := rw.state.Load()
		if s&^(rwQueued|rwGate) != 0 {
			return // held, possibly by a reader that just slipped in
		}
		if rw.state.CompareAndSwap(s, s|rwWriter) {
			rw.wq.leave(rw.wq.head, waitGranted)
			return
		}
	}
}

// grantFairLocked serves the queues in arrival order: a run of readers at the
// head is let in together; a writer at the head waits for the readers to
// leave.
func (rw *RWMutex) grantFairLocked() {
	for {
		r, w := rw.rq.head, rw.wq.head
		switch {
		case r != nil && (w == nil || r.val.seq < w.val.seq):
			rw.state.Add(rwReader)
			rw.rq.leave(r, waitGranted)
		case w != nil:
			if rw.state.Load()&^(rwQueued|rwGate) != 0 {
				return
			}
			rw.grantWriterLocked()
			return
		default:
			return
		}
	}
}
