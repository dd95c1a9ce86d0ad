package dsync

import (
	"context"
	"fmt"
	"sync"

	"go.etcd.io/etcd/client/v3/concurrency"
)

// A Semaphore is a weighted counting semaphore shared by every process that
// makes one with the same name on the same etcd cluster. Requests are
// granted strictly in arrival order: a request for many permits is not
// overtaken by later requests for few, so it is never starved. Every permit
// held is tied to the lease of the session that acquired it.
//
// A Semaphore value is a handle bound to one session and safe for concurrent
// use. Release returns permits held through the same handle; permits are
// not created by Release, so the total never exceeds the number given to
// NewSemaphore.
type Semaphore struct {
	q       queue
	permits int64

	// release is held by one Release from before it reads held until its
	// transaction is done: a partial Release rewrites a key with the weight
	// it computed, and two at once could be applied in the other order,
	// leaving the larger weight, so that released permits stayed taken.
	release chan struct{}

	mu   sync.Mutex
	held []holding // oldest first; guarded by mu
}

// NewSemaphore returns a handle on the semaphore called name with permits
// permits. Every process must give the same permits; a request that meets a
// different number in etcd fails with ErrMismatch. It panics if s is nil,
// permits < 1 or the name is invalid (see NewMutex). It does not contact
// etcd.
func NewSemaphore(s *concurrency.Session, name string, permits int64) *Semaphore {
	checkSession(s)
	if permits < 1 {
		panic(fmt.Sprintf("dsync: NewSemaphore with %d permits; it needs at least 1", permits))
	}
	return &Semaphore{q: queue{s: s, c: s.Client(), prefix: prefixFor("semaphore", name), kind: 's', setting: permits}, permits: permits, release: make(chan struct{}, 1)}
}

// Acquire waits until n permits are granted to the caller, in arrival order.
// If ctx ends first it returns ctx.Err() and holds no permit: its request is
// removed, and permits granted at the same moment are passed on. If the
// session's lease ends it returns ErrSessionLost. It panics if n < 1 or n
// exceeds the semaphore's permits. Round trips: one when the permits are
// free, two more after a wait.
func (s *Semaphore) Acquire(ctx context.Context, n int64) (Fence, error) {
	return s.acquire(ctx, n, false)
}

// TryAcquire acquires n permits if they are free and nobody waits ahead,
// and returns ErrWouldBlock otherwise, leaving nothing behind.
func (s *Semaphore) TryAcquire(ctx context.Context, n int64) (Fence, error) {
	return s.acquire(ctx, n, true)
}

func (s *Semaphore) acquire(ctx context.Context, n int64, try bool) (Fence, error) {
	checkContext(ctx)
	if n < 1 || n > s.permits {
		panic(fmt.Sprintf("dsync: Acquire of %d permits from a semaphore of %d", n, s.permits))
	}
	h, err := s.q.acquire(ctx, 's', n, try)
	if err != nil {
		return Fence{}, err
	}
	s.mu.Lock()
	s.held = append(s.held, h)
	s.mu.Unlock()
	return Fence{token: h.token, done: s.q.s.Done()}, nil
}

// Release returns n of the permits held through this handle, oldest
// holdings first, in one transaction. It panics if n < 1 or the handle holds
// fewer than n permits. It returns ErrSessionLost if they were already lost
// with the lease; on any other error the handle keeps them and Release may
// be called again.
func (s *Semaphore) Release(ctx context.Context, n int64) error {
	checkContext(ctx)
	if n < 1 {
		panic(fmt.Sprintf("dsync: Release of %d permits", n))
	}
	s.checkHolds(n) // at once, before waiting for another Release
	select {
	case s.release <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.release }()
	s.mu.Lock()
	if total := s.holds(); n > total { // another Release took them meanwhile
		s.mu.Unlock()
		panic(fmt.Sprintf("dsync: Release of %d permits; this handle holds %d", n, total))
	}
	// Take the holdings out while the transaction runs, so that concurrent
	// Releases never end the same permits twice.
	var taken []holding
	for rest := n; rest > 0; {
		h := s.held[0]
		if h.weight <= rest {
			taken = append(taken, h)
			s.held = s.held[1:]
			rest -= h.weight
			continue
		}
		taken = append(taken, h)
		s.held[0].weight -= rest
		rest = 0
	}
	s.mu.Unlock()
	err := release(ctx, &s.q, taken, n)
	if err != nil && err != ErrSessionLost {
		s.mu.Lock()
		s.restore(taken, n)
		s.mu.Unlock()
	}
	return err
}

// holds returns the permits held through the handle; s.mu is held.
func (s *Semaphore) holds() int64 {
	var total int64
	for _, h := range s.held {
		total += h.weight
	}
	return total
}

// checkHolds panics if the handle holds fewer than n permits.
func (s *Semaphore) checkHolds(n int64) {
	s.mu.Lock()
	total := s.holds()
	s.mu.Unlock()
	if n > total {
		panic(fmt.Sprintf("dsync: Release of %d permits; this handle holds %d", n, total))
	}
}

// restore gives back to the handle what a failed Release took out.
func (s *Semaphore) restore(taken []holding, n int64) {
	for _, h := range taken {
		if h.weight <= n {
			s.held = append(s.held, h)
			n -= h.weight
			continue
		}
		for i := range s.held {
			if s.held[i].key == h.key {
				s.held[i].weight += n
			}
		}
		n = 0
	}
}
