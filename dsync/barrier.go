package dsync

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// A Barrier is a cyclic barrier shared by every process that makes one with
// the same name on the same etcd cluster: a fixed number of parties wait at
// it for each other, and when the last one arrives they are all released
// and the barrier is ready for the next round, for any number of rounds.
//
// A round breaks, and every party waiting in it returns ErrBrokenBarrier,
// when a waiting party's ctx ends, when a waiting party's session lease ends
// (its process died or was cut off: the others notice within the lease's
// TTL), or when Reset is called. The next Await starts a fresh round.
//
// Unlike syncx.Barrier there is no barrier action: the last arrival learns
// it was last (arrival 0) and may act after Await returns.
//
// The barrier keeps one small key in etcd, its round number, also while no
// party waits; an arrival is a key tied to the party's lease.
type Barrier struct {
	s       *concurrency.Session
	c       *clientv3.Client
	prefix  string
	parties int
}

// barrierState is the value of the state key: the current round, how many
// parties have arrived in it, the parties setting, how the previous round
// ended ('r' released, 'b' broken, '-' none yet) and who ended it (a nonce
// of the Await or Reset call, so that a call whose request failed in flight
// can tell whether it was applied).
type barrierState struct {
	gen, count, parties int64
	lastGen             int64
	last                byte
	lastBy              string
	modRev              int64 // of the key; 0 when absent
}

func (b barrierState) encode() string {
	return fmt.Sprintf("%d %d %d %d %c %s", b.gen, b.count, b.parties, b.lastGen, b.last, b.lastBy)
}

func decodeBarrier(v []byte) (barrierState, bool) {
	f := strings.Fields(string(v))
	if len(f) != 6 || len(f[4]) != 1 {
		return barrierState{}, false
	}
	var n [4]int64
	for i := range n {
		x, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return barrierState{}, false
		}
		n[i] = x
	}
	return barrierState{gen: n[0], count: n[1], parties: n[2], lastGen: n[3], last: f[4][0], lastBy: f[5]}, true
}

// NewBarrier returns a handle on the barrier called name for parties
// parties. Every process must give the same parties; an Await that meets
// another number fails with ErrMismatch. It panics if s is nil, parties < 1
// or the name is invalid (see NewMutex). It does not contact etcd.
func NewBarrier(s *concurrency.Session, name string, parties int) *Barrier {
	checkSession(s)
	if parties < 1 {
		panic(fmt.Sprintf("dsync: NewBarrier with %d parties; it needs at least 1", parties))
	}
	return &Barrier{s: s, c: s.Client(), prefix: prefixFor("barrier", name), parties: parties}
}

// Parties returns the number of parties of each round.
func (b *Barrier) Parties() int { return b.parties }

func (b *Barrier) stateKey() string    { return b.prefix + "state" }
func (b *Barrier) arrivalsKey() string { return b.prefix + "a/" }

// read returns the state and the number of arrival keys, at one revision.
// Every arrival writes its key and the count together, and a round ends by
// removing both together, so they differ only when a party's lease ended.
func (b *Barrier) read(ctx context.Context) (barrierState, int64, error) {
	resp, err := b.c.Txn(ctx).Then(
		clientv3.OpGet(b.stateKey()),
		clientv3.OpGet(b.arrivalsKey(), clientv3.WithPrefix(), clientv3.WithCountOnly()),
	).Commit()
	if err != nil {
		return barrierState{}, 0, err
	}
	st := barrierState{parties: int64(b.parties), last: '-', lastBy: "-"}
	if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) == 1 {
		var ok bool
		if st, ok = decodeBarrier(kvs[0].Value); !ok {
			return barrierState{}, 0, ErrMismatch
		}
		st.modRev = kvs[0].ModRevision
	}
	if st.parties != int64(b.parties) {
		return barrierState{}, 0, ErrMismatch
	}
	return st, resp.Responses[1].GetResponseRange().Count, nil
}

// end ends round st.gen with outcome ('r' or 'b') if the state is still st,
// and reports whether it did. The write is not cancelled with ctx, and if it
// fails in flight (a leader change) the state is read back to learn whether
// it was applied: a last arrival must never report failure for a round that
// it released.
func (b *Barrier) end(ctx context.Context, st barrierState, outcome byte) (bool, error) {
	by := uniqueSuffix(b.s)
	next := barrierState{gen: st.gen + 1, parties: st.parties, lastGen: st.gen, last: outcome, lastBy: by}
	wctx, cancel := writeContext(ctx)
	defer cancel()
	resp, err := b.c.Txn(wctx).
		If(clientv3.Compare(clientv3.ModRevision(b.stateKey()), "=", st.modRev)).
		Then(clientv3.OpPut(b.stateKey(), next.encode()), clientv3.OpDelete(b.arrivalsKey(), clientv3.WithPrefix())).
		Commit()
	if err == nil {
		return resp.Succeeded, nil
	}
	cur, _, rerr := b.read(wctx)
	switch {
	case rerr != nil:
		return false, err
	case cur.lastGen == st.gen && cur.lastBy == by:
		return true, nil
	case cur.gen == st.gen && cur.modRev == st.modRev:
		return false, nil // not applied; the caller looks again
	}
	return false, nil
}

// breakRound breaks round gen if it is still gathering.
func (b *Barrier) breakRound(ctx context.Context, gen int64) error {
	for {
		st, _, err := b.read(ctx)
		if err != nil || st.gen != gen {
			return err
		}
		if ok, err := b.end(ctx, st, 'b'); ok || err != nil {
			return err
		}
	}
}

// Reset breaks the current round, if any party waits in it: the waiting
// parties return ErrBrokenBarrier, and the barrier is ready for a new round.
func (b *Barrier) Reset(ctx context.Context) error {
	checkContext(ctx)
	for {
		st, n, err := b.read(ctx)
		if err != nil {
			return err
		}
		if st.count == 0 && n == 0 {
			return nil
		}
		if ok, err := b.end(ctx, st, 'b'); ok || err != nil {
			return err
		}
	}
}

// Await waits until all parties have called Await in this round. arrival
// is parties-1 for the first party to arrive and 0 for the last. It returns
// ErrBrokenBarrier if the round broke, ErrSessionLost if the caller's lease
// ended, and ctx.Err() if ctx ended first, which breaks the round for the
// others; if the round completed at the same moment, Await reports success,
// since the others were released with the caller counted. The last arrival
// writes no key tied to its lease: if that lease has ended but its session
// has not yet noticed (it learns at its next keep-alive), it still completes
// the round and returns 0. Round trips: two
// for the last arrival, three (and a watch event) for the others, plus one
// more read and write each time a concurrent arrival wins the race for the
// round's state.
func (b *Barrier) Await(ctx context.Context) (arrival int, err error) {
	checkContext(ctx)
	for {
		select {
		case <-b.s.Done():
			return 0, ErrSessionLost
		default:
		}
		st, n, err := b.read(ctx)
		if err != nil {
			return 0, err
		}
		if ctx.Err() != nil {
			// A party that cannot wait breaks the round it would join.
			if st.count > 0 {
				b.breakRound(context.WithoutCancel(ctx), st.gen)
			}
			return 0, ctx.Err()
		}
		if n != st.count {
			// A party of this round is gone with its lease: the round is
			// broken for the parties in it (they see it too); start anew.
			if _, err := b.end(ctx, st, 'b'); err != nil {
				return 0, err
			}
			continue
		}
		if st.count+1 == int64(b.parties) {
			ok, err := b.end(ctx, st, 'r')
			if err != nil {
				return 0, err
			}
			if ok {
				return 0, nil
			}
			continue
		}
		key := b.arrivalsKey() + uniqueSuffix(b.s)
		next := st
		next.count++
		// Not cancelled with ctx, so that its outcome is known; a ctx that
		// ended meanwhile is seen by wait, which leaves the round.
		wctx, cancel := writeContext(ctx)
		resp, err := b.c.Txn(wctx).
			If(clientv3.Compare(clientv3.ModRevision(b.stateKey()), "=", st.modRev)).
			Then(clientv3.OpPut(b.stateKey(), next.encode()), clientv3.OpPut(key, "", clientv3.WithLease(b.s.Lease()))).
			Commit()
		cancel()
		if err != nil && errors.Is(leaseErr(err), ErrSessionLost) {
			return 0, ErrSessionLost // refused whole: the caller never arrived
		}
		if err != nil {
			// The arrival may have been applied: leave so as to break it,
			// unless the round was released with it.
			if b.leave(ctx, st.gen, st.modRev) == 'r' {
				return b.parties - int(next.count), nil
			}
			return 0, err
		}
		if !resp.Succeeded {
			continue
		}
		return b.wait(ctx, st.gen, key, resp.Header.Revision, b.parties-int(next.count))
	}
}

// wait watches the barrier from rev until round gen ends.
func (b *Barrier) wait(ctx context.Context, gen int64, key string, rev int64, arrival int) (int, error) {
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	wch := b.c.Watch(wctx, b.prefix, clientv3.WithPrefix(), clientv3.WithRev(rev+1))
	seen := rev // the last revision whose events were handled
	for {
		select {
		case <-ctx.Done():
			if outcome := b.leave(ctx, gen, rev); outcome == 'r' {
				return arrival, nil
			}
			return 0, ctx.Err()
		case <-b.s.Done():
			b.leave(ctx, gen, rev)
			return 0, ErrSessionLost
		case wr, ok := <-wch:
			if !ok || wr.Err() != nil || wr.Canceled {
				if ctx.Err() != nil {
					continue // handled by the ctx case
				}
				if wr.CompactRevision != 0 {
					// The history is gone: judge by the current state.
					st, _, err := b.read(ctx)
					if err != nil {
						return 0, err
					}
					if st.gen != gen {
						if st.lastGen == gen && st.last == 'r' {
							return arrival, nil
						}
						return 0, ErrBrokenBarrier
					}
					seen = st.modRev
				}
				// Lost its leader or its connection: resume where it
				// stopped, so that no event of this round is missed (the
				// current state may already describe a later round).
				cancel()
				select {
				case <-time.After(50 * time.Millisecond):
				case <-ctx.Done():
				}
				wctx, cancel = context.WithCancel(clientv3.WithRequireLeader(ctx))
				defer cancel()
				wch = b.c.Watch(wctx, b.prefix, clientv3.WithPrefix(), clientv3.WithRev(seen+1))
				continue
			}
			// Events come in revision order; a round's end writes the state
			// and deletes the arrivals in one revision.
			for i := 0; i < len(wr.Events); {
				r := wr.Events[i].Kv.ModRevision
				seen = r
				var ended bool
				var outcome byte
				var departed, mine bool
				for ; i < len(wr.Events) && wr.Events[i].Kv.ModRevision == r; i++ {
					ev := wr.Events[i]
					k := string(ev.Kv.Key)
					switch {
					case k == b.stateKey() && ev.Type == clientv3.EventTypePut:
						st, ok := decodeBarrier(ev.Kv.Value)
						if !ok {
							return 0, ErrMismatch
						}
						if st.gen != gen {
							ended, outcome = true, st.last
						}
					case ev.Type == clientv3.EventTypeDelete && strings.HasPrefix(k, b.arrivalsKey()):
						departed = true
						mine = mine || k == key
					}
				}
				if ended {
					if outcome == 'r' {
						return arrival, nil
					}
					return 0, ErrBrokenBarrier
				}
				if departed {
					// A party's lease ended: break the round; its end
					// arrives as a later event.
					if err := b.breakRound(ctx, gen); err != nil && ctx.Err() == nil {
						return 0, err
					}
					if mine {
						return 0, ErrSessionLost
					}
				}
			}
		}
	}
}

// leave takes the caller, which arrived at revision rev, out of round gen by
// breaking it, unless the round already ended; it returns how round gen
// ended ('r' or 'b'), or 0 if that cannot be told. The outcome is read from
// the state key's history after rev, not from its current value, which may
// already describe a later round.
func (b *Barrier) leave(ctx context.Context, gen, rev int64) byte {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if err := b.breakRound(cctx, gen); err != nil {
		return 0
	}
	for wr := range b.c.Watch(cctx, b.stateKey(), clientv3.WithRev(rev+1)) {
		if wr.Err() != nil {
			return 0
		}
		for _, ev := range wr.Events {
			if st, ok := decodeBarrier(ev.Kv.Value); ok && ev.Type == clientv3.EventTypePut && st.gen != gen {
				return st.last
			}
		}
	}
	return 0
}
