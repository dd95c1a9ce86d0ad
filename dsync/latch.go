package dsync

import (
	"context"
	"fmt"
	"strconv"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// A Latch is a one-shot countdown shared by every process that makes one
// with the same name on the same etcd cluster: it starts at a count, any
// process counts it down, and Wait returns once it reaches zero.
//
// Countdowns are durable: each is a key with no lease, so a process that
// counted down and then exited still counts. The keys stay in etcd until
// Delete removes them, which also starts the latch again at its full count.
type Latch struct {
	c      *clientv3.Client
	s      *concurrency.Session
	prefix string
	count  int
}

// NewLatch returns a handle on the latch called name that starts at count.
// Every process must give the same count; a call that meets another in etcd
// fails with ErrMismatch. It panics if s is nil, count < 1 or the name is
// invalid (see NewMutex). It does not contact etcd.
func NewLatch(s *concurrency.Session, name string, count int) *Latch {
	checkSession(s)
	if count < 1 {
		panic(fmt.Sprintf("dsync: NewLatch with count %d; it needs at least 1", count))
	}
	return &Latch{c: s.Client(), s: s, prefix: prefixFor("latch", name), count: count}
}

// CountDown counts the latch down by one, in one round trip (two for the
// first countdown). Counting down a latch that has reached zero has no
// effect on it. A latch made with another count returns ErrMismatch and
// writes nothing.
func (l *Latch) CountDown(ctx context.Context) error {
	checkContext(ctx)
	key, want := l.prefix+uniqueSuffix(l.s), strconv.Itoa(l.count)
	for {
		// Every countdown present carries this count: add one.
		resp, err := l.c.Txn(ctx).
			If(clientv3.Compare(clientv3.Value(l.prefix).WithPrefix(), "=", want)).
			Then(clientv3.OpPut(key, want)).
			Else(clientv3.OpGet(l.prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())).
			Commit()
		if err != nil {
			return err
		}
		if resp.Succeeded {
			return nil
		}
		if resp.Responses[0].GetResponseRange().Count > 0 {
			return ErrMismatch // a countdown with another count
		}
		// None present (a value comparison fails on an empty range): be
		// the first, unless another came meanwhile.
		resp, err = l.c.Txn(ctx).
			If(clientv3.Compare(clientv3.CreateRevision(l.prefix).WithPrefix(), "=", 0)).
			Then(clientv3.OpPut(key, want)).
			Commit()
		if err != nil || resp.Succeeded {
			return err
		}
	}
}

// Count returns the current count.
func (l *Latch) Count(ctx context.Context) (int, error) {
	checkContext(ctx)
	resp, err := l.c.Get(ctx, l.prefix, clientv3.WithPrefix())
	if err != nil {
		return 0, err
	}
	if err := l.check(resp.Kvs); err != nil {
		return 0, err
	}
	return max(0, l.count-len(resp.Kvs)), nil
}

func (l *Latch) check(kvs []*mvccpb.KeyValue) error {
	for _, kv := range kvs {
		if string(kv.Value) != strconv.Itoa(l.count) {
			return ErrMismatch
		}
	}
	return nil
}

// Wait waits until the count is zero. It returns ctx.Err() if ctx ends
// first; waiting writes nothing to etcd.
func (l *Latch) Wait(ctx context.Context) error {
	checkContext(ctx)
	resp, err := l.c.Get(ctx, l.prefix, clientv3.WithPrefix())
	if err != nil {
		return err
	}
	if err := l.check(resp.Kvs); err != nil {
		return err
	}
	done := len(resp.Kvs)
	if done >= l.count {
		return nil
	}
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	wch := l.c.Watch(wctx, l.prefix, clientv3.WithPrefix(), clientv3.WithRev(resp.Header.Revision+1))
	for wr := range wch {
		if err := wr.Err(); err != nil {
			break
		}
		for _, ev := range wr.Events {
			switch {
			case ev.Type == clientv3.EventTypeDelete:
				done--
			case ev.IsCreate():
				if err := l.check([]*mvccpb.KeyValue{ev.Kv}); err != nil {
					return err
				}
				done++
			}
		}
		if done >= l.count {
			return nil
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The watch failed (compacted, lost its leader): look again.
	return l.Wait(ctx)
}

// Delete removes the latch's countdowns from etcd: the latch starts again
// at its full count.
func (l *Latch) Delete(ctx context.Context) error {
	checkContext(ctx)
	_, err := l.c.Delete(ctx, l.prefix, clientv3.WithPrefix())
	return err
}
