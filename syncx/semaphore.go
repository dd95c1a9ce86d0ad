package syncx

import (
	"context"
	"math"
	"sync"
	"sync/atomic"

	"github.com/concurkit/concur/internal/check"
)

// Semaphore is a weighted counting semaphore that serves waiters in FIFO
// order: a waiter that asks for many permits is not overtaken by smaller
// requests that arrive after it, so it cannot starve.
//
// A Semaphore must be created with NewSemaphore and must not be copied after
// first use.
//
// In the terminology of the Go memory model, a call to Release synchronizes
// before any Acquire or TryAcquire that obtains the permits it released.
type Semaphore struct {
	_ noCopy

	// avail is the number of permits that are neither held nor granted to a
	// waiter. Acquire and TryAcquire take permits with a compare-and-swap on
	// it while nobody waits (the fast path); Release adds to it, checking
	// for overflow before it adds.
	avail atomic.Int64

	// waiters counts goroutines in the slow path of Acquire, queued or about
	// to be. While it is non-zero the fast paths step aside (that is what
	// keeps the semaphore FIFO), and Release takes mu to hand the permits to
	// the queue. The slow path increments it under mu before it looks at
	// avail, and Release adds to avail before it loads waiters, so one of the
	// two always sees the other: no wake-up is lost.
	waiters atomic.Int64

	mu    sync.Mutex
	q     waitList[semWait] // blocked Acquire calls, in arrival order; guarded by mu
	free  *semWaiter        // recycled nodes; guarded by mu
	freed atomic.Pointer[semWaiter]
}

// semWait is what a Semaphore knows about one blocked Acquire.
//
// A waiter whose ctx can end blocks in a select on its channel, made when the
// wait begins. One whose ctx can never end blocks in cond, the sync.Cond of
// its own node, which no other goroutine ever waits in: the grant meant for
// it signals exactly that cond, so the right waiter wakes whatever order
// sync.Cond wakes its waiters in. Nodes are recycled (see newNode), so such a
// contended Acquire allocates nothing. Both ways of blocking count as durable
// in a testing/synctest bubble, and neither ties a recycled node to a bubble:
// channels are never reused, and sync.Cond belongs to no bubble.
type semWait struct {
	n    int64
	cond sync.Cond // L is the semaphore's mu as an unlocker
}

type semWaiter = waiter[semWait]

// NewSemaphore returns a semaphore with the given number of permits available.
// permits may be 0: then the semaphore starts empty, and a Release before any
// Acquire is stored, so that the Acquire that comes later does not wait (a
// signal that cannot be lost). NewSemaphore panics if permits is negative.
func NewSemaphore(permits int64) *Semaphore {
	if permits < 0 {
		panic("syncx: NewSemaphore with negative permits")
	}
	s := &Semaphore{}
	s.avail.Store(permits)
	return s
}

// Acquire obtains n permits, blocking until they are available or ctx ends.
// Waiters are served in arrival order.
//
// On success it returns nil and the caller holds n permits, to be given back
// with Release. Acquire follows the package's cancellation rule: if ctx has
// already ended when Acquire is called, it returns ctx.Err() even if the
// permits are available, and if ctx ends before the permits are obtained, it
// returns ctx.Err(). Either way it leaves the semaphore as it found it: no
// permit is held by the caller and none is lost, also when permits were handed
// to the caller at the moment ctx ended (they are passed on to the next
// waiters).
//
// Acquire of more permits than will ever be available waits until ctx ends;
// while it waits, later Acquire calls queue behind it. Acquire(ctx, 0)
// succeeds at once unless ctx has ended, even while others wait. Acquire
// panics if ctx is nil or n is negative.
func (s *Semaphore) Acquire(ctx context.Context, n int64) error {
	check.Context(ctx, "syncx", "Semaphore.Acquire")
	if n < 0 {
		panic("syncx: Semaphore.Acquire with negative n")
	}
	done := ctx.Done()
	if closed(done) {
		return ctx.Err()
	}
	if n == 0 {
		return nil
	}
	if s.waiters.Load() != 0 || !s.tryTake(n) {
		if done == nil {
			s.acquireForever(n)
			return nil
		}
		if !s.acquireOrCancel(done, n) {
			return ctx.Err()
		}
	}
	if closed(done) {
		// ctx may have ended before the permits became ours: pass them on.
		s.Release(n)
		return ctx.Err()
	}
	return nil
}

// tryTake takes n permits from avail if there are enough, retrying while the
// compare-and-swap loses to other goroutines, and giving up only when there
// are not enough permits.
func (s *Semaphore) tryTake(n int64) bool {
	for {
		c := s.avail.Load()
		if c < n {
			return false
		}
		if s.avail.CompareAndSwap(c, c-n) {
			return true
		}
	}
}

// enqueue registers the calling goroutine in the slow path and either takes
// the permits at once (nil) or queues a node for it (s.mu stays held then).
func (s *Semaphore) enqueue(n int64) *semWaiter {
	s.mu.Lock()
	s.waiters.Add(1)
	if s.q.empty() && s.tryTake(n) {
		s.waiters.Add(-1)
		s.mu.Unlock()
		return nil
	}
	w := s.newNode()
	w.val.n = n
	s.q.pushBack(w)
	return w
}

// acquireForever is the slow path of an Acquire whose ctx can never end.
func (s *Semaphore) acquireForever(n int64) {
	w := s.enqueue(n)
	if w == nil {
		return
	}
	// Wait unlocks s.mu (the cond's Locker is an unlocker) once w is
	// registered in its cond, so the grant, which needs s.mu, cannot come
	// before. Only that grant signals this cond, once, so the wait does not
	// end spuriously.
	w.val.cond.Wait()
	// The granter's waiters.Add(-1) came after its writes to w and to the
	// semaphore and before its Signal; loading it is the happens-before edge
	// from the grant to this return (sync.Cond provides none without its
	// Locker).
	s.waiters.Load()
	s.putNode(w)
}

// acquireOrCancel is the slow path of an Acquire whose ctx can end. It
// reports whether it obtained the permits; if not, it holds none.
func (s *Semaphore) acquireOrCancel(done <-chan struct{}, n int64) bool {
	w := s.enqueue(n)
	if w == nil {
		return true
	}
	ch := make(chan struct{})
	w.ch = ch
	s.mu.Unlock()
	select {
	case <-ch:
		s.putNode(w)
		return true
	case <-done:
	}
	s.mu.Lock()
	if w.state == waitGranted {
		// The grant raced the cancellation: pass the permits on rather
		// than keep them, so that a cancelled Acquire never holds any.
		s.mu.Unlock()
		s.putNode(w)
		s.Release(n)
		return false
	}
	s.q.remove(w)
	s.waiters.Add(-1)
	// Permits may now be usable by the waiters that were behind this one.
	s.grantLocked()
	s.mu.Unlock()
	s.putNode(w)
	return false
}

// TryAcquire obtains n permits if they are available now and no Acquire is
// waiting, without blocking, and reports whether it did. It fails only when
// fewer than n permits are available or earlier Acquire calls are queued (it
// does not overtake them), never because other goroutines use the semaphore at
// the same moment. TryAcquire(0) always succeeds. TryAcquire panics if n is
// negative.
func (s *Semaphore) TryAcquire(n int64) bool {
	if n < 0 {
		panic("syncx: Semaphore.TryAcquire with negative n")
	}
	if n == 0 {
		return true
	}
	if s.waiters.Load() == 0 {
		if s.tryTake(n) {
			return true
		}
		if s.waiters.Load() == 0 {
			return false
		}
	}
	// Someone is in the slow path: under mu we see whether anyone is really
	// queued, or only passing through on the way to taking free permits.
	s.mu.Lock()
	ok := s.q.empty() && s.tryTake(n)
	s.mu.Unlock()
	return ok
}

// Release gives back n permits, and hands them to the waiters at the head of
// the queue that they now satisfy. Release may raise the number of available
// permits above the number the semaphore was created with, and may be called
// before any Acquire (the permits are stored). Release synchronizes before the
// Acquire or TryAcquire it lets obtain those permits. Release panics if n is
// negative or if the number of available permits would exceed math.MaxInt64;
// the semaphore is then left as it was.
func (s *Semaphore) Release(n int64) {
	if n < 0 {
		panic("syncx: Semaphore.Release with negative n")
	}
	if s.waiters.Load() != 0 {
		s.releaseSlow(n)
		return
	}
	if !s.add(n) {
		panic(errSemOverflow)
	}
	if s.waiters.Load() == 0 {
		return
	}
	s.mu.Lock()
	s.grantLocked()
	s.mu.Unlock()
}

const errSemOverflow = "syncx: Semaphore.Release overflows the permit count"

// add adds n permits to avail unless that would overflow, and reports whether
// it did.
func (s *Semaphore) add(n int64) bool {
	for {
		c := s.avail.Load()
		if c > math.MaxInt64-n {
			return false
		}
		if s.avail.CompareAndSwap(c, c+n) {
			return true
		}
	}
}

// releaseSlow gives n released permits straight to the waiters at the head of
// the queue that they cover on their own, without passing them through avail,
// and stores the rest; a head waiter is first in line for any permit, so
// skipping avail overtakes nobody. The overflow check comes before any change,
// and the panic after s.mu is released.
func (s *Semaphore) releaseSlow(n int64) {
	s.mu.Lock()
	rest, k := n, 0
	for w := s.q.head; w != nil && w.val.n <= rest; w = w.next {
		rest -= w.val.n
		k++
	}
	if rest > 0 && !s.add(rest) {
		s.mu.Unlock()
		panic(errSemOverflow)
	}
	for ; k > 0; k-- {
		s.grant(s.q.head)
	}
	s.grantLocked()
	s.mu.Unlock()
}

// Available returns the number of permits that are neither held nor granted
// at this moment. Permits released while a larger request waits at the head
// of the queue are counted until that request can be served.
func (s *Semaphore) Available() int64 {
	return s.avail.Load()
}

// grantLocked serves the queue in order while avail covers the request at its
// head. It stops at the first request that does not fit: that is what makes
// the semaphore FIFO (and keeps a large request from starving), at the price
// of leaving permits idle while it waits.
func (s *Semaphore) grantLocked() {
	for w := s.q.head; w != nil; w = s.q.head {
		if !s.tryTake(w.val.n) {
			return
		}
		s.grant(w)
	}
}

// grant wakes waiter w, whose permits have been taken for it, and removes it
// from the queue; s.mu is held.
func (s *Semaphore) grant(w *semWaiter) {
	s.q.remove(w)
	w.state = waitGranted
	s.waiters.Add(-1) // after the writes to w: see acquireForever
	if w.ch == nil {
		w.val.cond.Signal()
	} else {
		close(w.ch)
	}
}

// newNode returns a waiter node in its initial state; s.mu must be held.
// Nodes come from the private free list, refilled in one swap from the list
// that returning waiters push onto without the lock.
func (s *Semaphore) newNode() *semWaiter {
	if s.free == nil {
		s.free = s.freed.Swap(nil)
	}
	w := s.free
	if w == nil {
		w = &semWaiter{}
		w.val.cond.L = (*unlocker)(&s.mu)
		return w
	}
	s.free = w.next
	w.next = nil
	w.ch = nil
	w.state = waitWaiting
	return w
}

// putNode recycles a node whose waiter has returned. It does not need s.mu:
// it pushes onto a stack that only newNode empties, and newNode takes the
// whole stack at once, so the compare-and-swap below cannot suffer from ABA.
func (s *Semaphore) putNode(w *semWaiter) {
	for {
		top := s.freed.Load()
		w.next = top
		if s.freed.CompareAndSwap(top, w) {
			return
		}
	}
}
