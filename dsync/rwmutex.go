package dsync

import (
	"context"
	"fmt"
	"sync"

	"go.etcd.io/etcd/client/v3/concurrency"
)

// A Policy decides who goes first when readers and writers of an RWMutex
// compete. The zero value is WriterPreferring. The policies are those of
// syncx.RWMutex.
type Policy int

const (
	// WriterPreferring: once a writer waits, new readers wait behind it, so
	// writers are not starved by a steady stream of readers; when a writer
	// unlocks, the readers that waited through its hold go before the next
	// writer, so readers are not starved either.
	WriterPreferring Policy = iota

	// ReaderPreferring: a reader is let in whenever no writer holds the
	// lock, even while writers wait; a writer gets the lock only when no
	// reader holds or waits for it, so a steady stream of readers starves
	// writers.
	ReaderPreferring

	// Fair: strict arrival order; consecutive readers at the head of the
	// queue share the lock. Nobody is overtaken by a later arrival.
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

// An RWMutex is a reader/writer lock shared by every process that makes one
// with the same name on the same etcd cluster: any number of readers or one
// writer hold it at a time. Every holding is tied to the lease of the
// session that took it.
//
// An RWMutex value is a handle bound to one session and safe for concurrent
// use; Unlock ends its write holding and RUnlock one of its read holdings.
type RWMutex struct {
	q queue

	mu      sync.Mutex
	writer  *holding  // guarded by mu
	readers []holding // guarded by mu
}

// NewRWMutex returns a handle on the readers/writer lock called name with
// policy p. Every process must use the same policy; a request that meets
// another in etcd fails with ErrMismatch. It panics if s is nil, p is not a
// Policy or the name is invalid (see NewMutex). It does not contact etcd.
func NewRWMutex(s *concurrency.Session, name string, p Policy) *RWMutex {
	checkSession(s)
	if p < WriterPreferring || p > Fair {
		panic(fmt.Sprintf("dsync: NewRWMutex with unknown %v", p))
	}
	return &RWMutex{q: queue{s: s, c: s.Client(), prefix: prefixFor("rwmutex", name), kind: 'w', setting: int64(p)}}
}

// Lock waits until the caller holds the lock for writing. On ctx's end it
// returns ctx.Err() holding nothing, with nothing left in etcd (a grant that
// came at the same moment is passed on); if the lease ends, ErrSessionLost.
func (rw *RWMutex) Lock(ctx context.Context) (Fence, error) { return rw.lock(ctx, 'w', false) }

// TryLock takes the write lock if it can be had at once, and returns
// ErrWouldBlock otherwise, leaving nothing behind.
func (rw *RWMutex) TryLock(ctx context.Context) (Fence, error) { return rw.lock(ctx, 'w', true) }

// RLock waits until the caller holds the lock for reading, as Lock does.
func (rw *RWMutex) RLock(ctx context.Context) (Fence, error) { return rw.lock(ctx, 'r', false) }

// TryRLock takes a read lock if it can be had at once, and returns
// ErrWouldBlock otherwise, leaving nothing behind.
func (rw *RWMutex) TryRLock(ctx context.Context) (Fence, error) { return rw.lock(ctx, 'r', true) }

func (rw *RWMutex) lock(ctx context.Context, kind byte, try bool) (Fence, error) {
	checkContext(ctx)
	h, err := rw.q.acquire(ctx, kind, 1, try)
	if err != nil {
		return Fence{}, err
	}
	rw.mu.Lock()
	if kind == 'w' {
		rw.writer = &h
	} else {
		rw.readers = append(rw.readers, h)
	}
	rw.mu.Unlock()
	return Fence{token: h.token, done: rw.q.s.Done()}, nil
}

// Unlock releases the handle's write holding. It panics if there is none;
// errors are those of Mutex.Unlock.
func (rw *RWMutex) Unlock(ctx context.Context) error {
	checkContext(ctx)
	rw.mu.Lock()
	h := rw.writer
	if h == nil {
		rw.mu.Unlock()
		panic("dsync: Unlock of unlocked RWMutex")
	}
	rw.writer = nil
	rw.mu.Unlock()
	err := release(ctx, &rw.q, []holding{*h}, 1)
	if err != nil && err != ErrSessionLost {
		rw.mu.Lock()
		if rw.writer == nil {
			rw.writer = h
		}
		rw.mu.Unlock()
	}
	return err
}

// RUnlock releases one of the handle's read holdings. It panics if there is
// none; errors are those of Mutex.Unlock.
func (rw *RWMutex) RUnlock(ctx context.Context) error {
	checkContext(ctx)
	rw.mu.Lock()
	if len(rw.readers) == 0 {
		rw.mu.Unlock()
		panic("dsync: RUnlock of unlocked RWMutex")
	}
	h := rw.readers[len(rw.readers)-1]
	rw.readers = rw.readers[:len(rw.readers)-1]
	rw.mu.Unlock()
	err := release(ctx, &rw.q, []holding{h}, 1)
	if err != nil && err != ErrSessionLost {
		rw.mu.Lock()
		rw.readers = append(rw.readers, h)
		rw.mu.Unlock()
	}
	return err
}
