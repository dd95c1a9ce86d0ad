package syncx

import (
	"context"
	"sync"
	"sync/atomic"
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
	// it while nobody waits (the fast path); Release adds to it.
	avail atomic.Int64

	// waiters counts goroutines in the slow path of Acquire, queued or about
	// to be. While it is non-zero the fast paths step aside (that is what
	// keeps the semaphore FIFO), and Release takes mu to hand the permits to
	// the queue. The slow path increments it under mu before it looks at
	// avail, and Release adds to avail before it loads waiters, so one of the
	// two always sees the other: no wake-up is lost.
	waiters atomic.Int64

	mu         sync.Mutex
	head, tail *semWaiter // FIFO of blocked Acquire calls; guarded by mu
	free       *semWaiter // recycled nodes; guarded by mu
	freed      atomic.Pointer[semWaiter]

	// cond is where the Acquire calls whose ctx can never end sleep. They
	// enter it under mu in queue order, and sync.Cond's Signal wakes the
	// goroutine that has waited longest, so the grants, which follow queue
	// order too, wake exactly the waiter they are meant for. Its Locker
	// releases mu after the waiter has entered (see semUnlocker).
	cond sync.Cond
}

// semWaiter is one blocked Acquire. Nodes are recycled (see newNode), so a
// contended Acquire with a context that cannot be cancelled allocates nothing.
//
// A waiter whose ctx can end blocks in a select on ch, a channel made when the
// wait begins; one whose ctx can never end blocks in the semaphore's cond.
// Both count as durably blocked in a testing/synctest bubble, and neither ties
// the recycled node to a bubble: channels are never reused, and sync.Cond
// belongs to no bubble.
type semWaiter struct {
	n          int64
	state      atomic.Uint32 // semWaiting, semGranted or semCancelled; written under mu
	ch         chan struct{} // closed on grant; nil for a waiter in cond
	prev, next *semWaiter
}

const (
	semWaiting uint32 = iota
	semGranted
	semCancelled
)

// semUnlocker is the Locker of Semaphore.cond: Wait releases the semaphore's
// mutex once the waiter is registered, and the waiter does not take it again
// on wake-up, since the granter already did all the work.
type semUnlocker Semaphore

func (u *semUnlocker) Lock()   {}
func (u *semUnlocker) Unlock() { u.mu.Unlock() }

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
	s.cond.L = (*semUnlocker)(s)
	return s
}

// Acquire obtains n permits, blocking until they are available or ctx ends.
// Waiters are served in arrival order.
//
// On success it returns nil and the caller holds n permits, to be given back
// with Release. If ctx ends first (or has already ended when Acquire is
// called), Acquire returns ctx.Err() and leaves the semaphore as it found it:
// no permit is held by the caller and none is lost, also when permits were
// handed to the caller at the moment ctx ended (they are passed on).
//
// Acquire of more permits than will ever be available waits until ctx ends;
// while it waits, later Acquire calls queue behind it. Acquire(ctx, 0)
// succeeds at once unless ctx has ended. Acquire panics if n is negative.
func (s *Semaphore) Acquire(ctx context.Context, n int64) error {
	if n < 0 {
		panic("syncx: Semaphore.Acquire with negative n")
	}
	done := ctx.Done()
	if done != nil {
		select {
		case <-done:
			return ctx.Err()
		default:
		}
	}
	if s.waiters.Load() == 0 && s.tryTake(n) {
		return nil
	}
	return s.acquireSlow(ctx, done, n)
}

// tryTake takes n permits from avail if there are enough, retrying while the
// compare-and-swap loses to other goroutines, and giving up only when there
// are not enough permits or waiters have queued.
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

func (s *Semaphore) acquireSlow(ctx context.Context, done <-chan struct{}, n int64) error {
	s.mu.Lock()
	s.waiters.Add(1)
	if s.head == nil && s.tryTake(n) {
		s.waiters.Add(-1)
		s.mu.Unlock()
		return nil
	}
	w := s.newNode()
	w.n = n
	s.push(w)
	if done == nil {
		// Nothing can cancel this wait: block in cond until the grant meant
		// for this waiter signals it. Only grants signal the cond, so this
		// does not wake spuriously. cond.Wait unlocks s.mu via semUnlocker;
		// the granter recycles w, so the waiter must not touch it again.
		s.cond.Wait()
		// The granter's waiters.Add(-1) for this grant came after the
		// releaser's writes and before the Signal; loading it is the
		// happens-before edge from Release to this return (sync.Cond itself
		// provides none without its Locker).
		s.waiters.Load()
		return nil
	}
	ch := make(chan struct{})
	w.ch = ch
	s.mu.Unlock()
	select {
	case <-ch:
		s.putNode(w)
		return nil
	case <-done:
	}
	s.mu.Lock()
	if w.state.Load() == semGranted {
		// The grant raced the cancellation and won: pass the permits on
		// rather than keep them, so that a cancelled Acquire never holds any.
		s.avail.Add(n)
	} else {
		w.state.Store(semCancelled)
		s.remove(w)
		s.waiters.Add(-1)
	}
	// Permits may now be usable by the waiters that were behind this one.
	s.grantLocked()
	s.mu.Unlock()
	s.putNode(w)
	return ctx.Err()
}

// TryAcquire obtains n permits if they are available now and no Acquire is
// waiting, without blocking, and reports whether it did. It fails only when
// fewer than n permits are available or earlier Acquire calls are queued (it
// does not overtake them), never because other goroutines use the semaphore at
// the same moment. TryAcquire panics if n is negative.
func (s *Semaphore) TryAcquire(n int64) bool {
	if n < 0 {
		panic("syncx: Semaphore.TryAcquire with negative n")
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
	ok := s.head == nil && s.tryTake(n)
	s.mu.Unlock()
	return ok
}

// Release gives back n permits, and hands them to the waiters at the head of
// the queue that they now satisfy. Release may raise the number of available
// permits above the number the semaphore was created with, and may be called
// before any Acquire (the permits are stored). Release synchronizes before the
// Acquire or TryAcquire it lets obtain those permits. Release panics if n is
// negative or if the count would overflow int64.
func (s *Semaphore) Release(n int64) {
	if n < 0 {
		panic("syncx: Semaphore.Release with negative n")
	}
	if s.waiters.Load() != 0 {
		s.mu.Lock()
		s.handOffLocked(n)
		s.mu.Unlock()
		return
	}
	s.store(n)
	if s.waiters.Load() == 0 {
		return
	}
	s.mu.Lock()
	s.grantLocked()
	s.mu.Unlock()
}

// store adds n released permits to avail.
func (s *Semaphore) store(n int64) {
	if s.avail.Add(n) < 0 {
		panic("syncx: Semaphore.Release overflows the permit count")
	}
}

// handOffLocked gives n released permits straight to the waiters at the head
// of the queue that they cover on their own, without passing them through
// avail, and then stores the rest and serves the queue as usual; s.mu is held.
// A head waiter is first in line for any permit, so skipping avail overtakes
// nobody.
func (s *Semaphore) handOffLocked(n int64) {
	for w := s.head; w != nil && w.n <= n; w = s.head {
		n -= w.n
		s.grant(w)
	}
	if n > 0 {
		s.store(n)
	}
	s.grantLocked()
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
	for w := s.head; w != nil; w = s.head {
		if !s.tryTake(w.n) {
			return
		}
		s.grant(w)
	}
}

// grant wakes waiter w, whose permits have been taken for it, and removes it
// from the queue; s.mu is held.
func (s *Semaphore) grant(w *semWaiter) {
	s.remove(w)
	s.waiters.Add(-1)
	if w.ch == nil {
		// The cond waiter granted here is the longest-waiting one in cond:
		// cond waiters never leave the queue but by a grant. It does not
		// touch w once woken, so w can be recycled at once.
		s.cond.Signal()
		w.next = s.free
		s.free = w
		return
	}
	w.state.Store(semGranted)
	close(w.ch)
}

func (s *Semaphore) push(w *semWaiter) {
	w.prev = s.tail
	if s.tail == nil {
		s.head = w
	} else {
		s.tail.next = w
	}
	s.tail = w
}

func (s *Semaphore) remove(w *semWaiter) {
	if w.prev == nil {
		s.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		s.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next = nil, nil
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
		return &semWaiter{}
	}
	s.free = w.next
	w.next = nil
	w.ch = nil
	w.state.Store(semWaiting)
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
