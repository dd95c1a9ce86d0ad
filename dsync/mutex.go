package dsync

import (
	"context"
	"sync"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// A Mutex is a mutual exclusion lock shared by every process that makes one
// with the same name on the same etcd cluster. Waiters are served in the
// order they arrived (FIFO), and a holding ends with the session's lease.
//
// A Mutex value is a handle bound to one session; it is safe for concurrent
// use, and the goroutines of one process that lock through one handle
// exclude each other as well as other processes. Unlock ends the handle's
// current holding, whichever goroutine took it.
type Mutex struct {
	q queue

	mu   sync.Mutex
	held *holding // the handle's current holding; guarded by mu
}

// NewMutex returns a handle on the mutex called name, whose holdings are tied
// to the lease of s. It panics if s is nil or name is empty, not valid UTF-8
// or contains a NUL byte. It does not contact etcd.
func NewMutex(s *concurrency.Session, name string) *Mutex {
	checkSession(s)
	return &Mutex{q: queue{s: s, c: s.Client(), prefix: prefixFor("mutex", name), kind: 'x'}}
}

// Lock waits until the mutex is granted to the caller, in arrival order. If
// ctx ends first, Lock returns ctx.Err() and the caller holds nothing: its
// request is removed from etcd, and a grant that came at the same moment is
// passed on to the next waiter. If the session's lease ends, Lock returns
// ErrSessionLost. It takes one etcd round trip when the mutex is free; a
// waiter then takes one to claim the grant (see the package doc, Cost).
func (m *Mutex) Lock(ctx context.Context) (Fence, error) {
	return m.lock(ctx, false)
}

// TryLock locks the mutex if nobody holds or waits for it, and returns
// ErrWouldBlock otherwise, leaving nothing behind.
func (m *Mutex) TryLock(ctx context.Context) (Fence, error) {
	return m.lock(ctx, true)
}

func (m *Mutex) lock(ctx context.Context, try bool) (Fence, error) {
	checkContext(ctx)
	h, err := m.q.acquire(ctx, 'x', 1, try)
	if err != nil {
		return Fence{}, err
	}
	m.mu.Lock()
	m.held = &h
	m.mu.Unlock()
	return Fence{token: h.token, done: m.q.s.Done()}, nil
}

// Unlock releases the handle's holding: the next waiter, if any, is granted
// the mutex. It panics if the handle holds nothing. If the holding was
// already lost with the lease it returns ErrSessionLost; on any other error
// (ctx ended, etcd unreachable) the handle still holds the mutex and Unlock
// may be called again (the lease ends the holding in any case).
func (m *Mutex) Unlock(ctx context.Context) error {
	checkContext(ctx)
	m.mu.Lock()
	h := m.held
	if h == nil {
		m.mu.Unlock()
		panic("dsync: Unlock of unlocked Mutex")
	}
	m.held = nil
	m.mu.Unlock()
	err := release(ctx, &m.q, []holding{*h}, 1)
	if err != nil && err != ErrSessionLost {
		m.mu.Lock()
		if m.held == nil {
			m.held = h
		}
		m.mu.Unlock()
	}
	return err
}

// release ends n units of the holdings hs, oldest first, in one transaction
// that checks every key still exists (all share the session's lease, so they
// are lost together or not at all). It returns the holdings left.
func release(ctx context.Context, q *queue, hs []holding, n int64) error {
	var cmps []clientv3.Cmp
	var ops []clientv3.Op
	for i := range hs {
		if n == 0 {
			break
		}
		h := &hs[i]
		cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(h.key), ">", 0))
		if h.weight <= n {
			ops = append(ops, clientv3.OpDelete(h.key))
			n -= h.weight
			continue
		}
		// Part of a weighted holding: rewrite the key with the weight kept;
		// its creation revision, hence its place in the queue, is unchanged.
		v := entryValue{kind: q.kind, weight: h.weight - n, setting: q.setting, claimed: true}
		ops = append(ops, clientv3.OpPut(h.key, v.encode(), clientv3.WithLease(q.s.Lease())))
		n = 0
	}
	resp, err := q.c.Txn(ctx).If(cmps...).Then(ops...).Commit()
	if err != nil {
		return err
	}
	if !resp.Succeeded {
		return ErrSessionLost
	}
	return nil
}
