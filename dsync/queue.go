package dsync

import (
	"context"
	"errors"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// queue is the machinery that Mutex, Semaphore and RWMutex share.
//
// Every request for a holding is one key under the primitive's prefix,
// attached to the session's lease, so it disappears when the lease ends. The
// keys, ordered by their creation revision, are the queue of arrivals: etcd
// orders them, so every process sees the same queue. A request is granted by
// a rule over that queue (see grantable), evaluated by the requester itself
// on a snapshot it keeps current with a watch; no process ever decides for
// another. A holding ends by deleting (or, for part of a weighted holding,
// rewriting) its key.
//
// For Mutex, Semaphore and the Fair RWMutex the rule depends on the order of
// the keys alone, and keys are only ever appended behind the existing ones
// or removed, so once a request is grantable it stays so. The requester then
// writes its key once more (claims it, in a transaction that checks the key
// still exists), and the revision of that write is the fencing token: it is
// later than the event that made the request grantable, hence later than
// every earlier grant.
//
// The WriterPreferring and ReaderPreferring RWMutex rules also depend on who
// holds the lock now, which is not a function of the order: there a claim
// is a transaction that also checks that the other side (writers for a
// reader, readers for a writer) has written nothing since the snapshot the
// decision was made on. Of two conflicting claims made on stale snapshots,
// the later one fails, so the claims alone guarantee exclusion; the local
// rules only decide who tries.
type queue struct {
	s       *concurrency.Session
	c       *clientv3.Client
	prefix  string
	kind    byte  // 'x', 's' or 'r'/'w'; see entryValue
	setting int64 // permits for a Semaphore, the Policy for an RWMutex
}

// entry is one key of the queue as a waiter sees it.
type entry struct {
	key string
	rev int64 // creation revision: the position in the queue
	v   entryValue
}

// qstate is a waiter's view of the queue, current up to revision rev.
type qstate struct {
	rev     int64
	entries []entry // by rev, ascending
	mine    int64   // the creation revision of the waiter's own key

	// Seen by this waiter since it arrived (WriterPreferring): whether some
	// writer held the lock, and the revision at which the last writer that
	// held it released it.
	sawWriterHold bool
	writerRelease int64
}

// cleanupTimeout bounds the deletion of a key after the caller's ctx ended;
// if it fails, the lease still removes the key when it ends.
const cleanupTimeout = 5 * time.Second

func (q *queue) sub(kind byte) string {
	if kind == 'r' || kind == 'w' {
		return q.prefix + string(kind) + "/"
	}
	return q.prefix + "q/"
}

// orderOnly reports whether the grant rule depends on the order alone.
func (q *queue) orderOnly() bool {
	return q.kind == 'x' || q.kind == 's' || Policy(q.setting) == Fair
}

// holding is one granted key, kept by the handle that owns it.
type holding struct {
	key    string
	weight int64
	token  int64
}

// acquire queues a request of the given kind and weight and waits until it
// is granted, ctx ends (the key is removed; a grant that raced is passed on
// by that removal) or the lease is lost. With try, it does not wait.
func (q *queue) acquire(ctx context.Context, kind byte, weight int64, try bool) (holding, error) {
	select {
	case <-q.s.Done():
		return holding{}, ErrSessionLost
	default:
	}
	if err := ctx.Err(); err != nil {
		return holding{}, err
	}
	key := q.sub(kind) + uniqueSuffix(q.s)
	v := entryValue{kind: kind, weight: weight, setting: q.setting}
	if try && q.orderOnly() {
		if h, done, err := q.tryFirst(ctx, key, v); done {
			return h, err
		}
	}
	if try && !q.orderOnly() {
		if h, done, err := q.tryImmediate(ctx, key, v); done {
			return h, err
		}
	}
	lease := clientv3.WithLease(q.s.Lease())
	rng := clientv3.OpGet(q.prefix, clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByCreateRevision, clientv3.SortAscend))

	claimedV := v
	claimedV.claimed = true
	// The write runs to its end even if ctx ends meanwhile: cancelled in
	// flight, it could still be applied after the deletion meant to undo it,
	// leaving the key behind.
	wctx, wcancel := writeContext(ctx)
	defer wcancel()
	var txn clientv3.Txn
	if cmps := q.immediate(kind); cmps != nil {
		txn = q.c.Txn(wctx).If(cmps...).
			Then(clientv3.OpPut(key, claimedV.encode(), lease), rng).
			Else(clientv3.OpPut(key, v.encode(), lease), rng)
	} else {
		txn = q.c.Txn(wctx).Then(clientv3.OpPut(key, v.encode(), lease), rng)
	}
	resp, err := txn.Commit()
	if err != nil && errors.Is(leaseErr(err), ErrSessionLost) {
		return holding{}, ErrSessionLost // refused whole: nothing was written
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		// The put may have been applied before the error.
		q.remove(ctx, key)
		return holding{}, err
	}
	rev := resp.Header.Revision
	h := holding{key: key, weight: weight, token: rev}
	if resp.Succeeded && q.immediate(kind) != nil {
		// Granted on the conditions alone; the settings of the keys before
		// it are checked still, so that a request with other settings never
		// returns a holding.
		st := &qstate{rev: rev, mine: rev}
		if err := st.load(q, resp.Responses[1].GetResponseRange().Kvs); err != nil {
			q.remove(ctx, key)
			return holding{}, err
		}
		return h, nil
	}
	st := &qstate{rev: rev, mine: rev}
	if err := st.load(q, resp.Responses[1].GetResponseRange().Kvs); err != nil {
		q.remove(ctx, key)
		return holding{}, err
	}
	me := st.find(key)
	if me == nil {
		return holding{}, ErrSessionLost
	}
	if kind == 'r' && st.writerHolds() {
		st.sawWriterHold = true
	}
	if q.orderOnly() && q.grantable(st, me) {
		return h, nil
	}
	if try {
		if !q.orderOnly() && q.grantable(st, me) {
			if tok, ok, err := q.claim(ctx, st, me); err == nil && ok {
				h.token = tok
				return h, nil
			} else if err != nil && err != ErrWouldBlock {
				q.remove(ctx, key)
				return holding{}, err
			}
		}
		q.remove(ctx, key)
		if err := ctx.Err(); err != nil {
			return holding{}, err
		}
		return holding{}, ErrWouldBlock
	}
	tok, err := q.wait(ctx, st, key)
	if err != nil {
		q.remove(ctx, key)
		return holding{}, err
	}
	h.token = tok
	return h, nil
}

// tryFirst decides a try of an order-only primitive on a snapshot, before
// writing anything: a try that cannot be granted must not put a key in the
// queue, where for a moment it would stand ahead of other tries that could.
// If the snapshot allows the grant, the key is written on condition that
// nothing was added or changed under the prefix since (removals only help);
// with done false, that failed and the caller decides as usual.
func (q *queue) tryFirst(ctx context.Context, key string, v entryValue) (h holding, done bool, err error) {
	resp, err := q.c.Get(ctx, q.prefix, clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByCreateRevision, clientv3.SortAscend))
	if err != nil {
		return holding{}, true, err
	}
	rev := resp.Header.Revision
	st := &qstate{rev: rev, mine: rev + 1}
	if err := st.load(q, resp.Kvs); err != nil {
		return holding{}, true, err
	}
	st.entries = append(st.entries, entry{key: key, rev: rev + 1, v: v})
	if !q.grantable(st, &st.entries[len(st.entries)-1]) {
		return holding{}, true, ErrWouldBlock
	}
	wctx, cancel := writeContext(ctx)
	defer cancel()
	tresp, err := q.c.Txn(wctx).
		If(clientv3.Compare(clientv3.ModRevision(q.prefix).WithPrefix(), "<", rev+1)).
		Then(clientv3.OpPut(key, v.encode(), clientv3.WithLease(q.s.Lease()))).
		Commit()
	if err != nil && errors.Is(leaseErr(err), ErrSessionLost) {
		return holding{}, true, ErrSessionLost
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		q.remove(ctx, key) // the put may have been applied
		return holding{}, true, err
	}
	if !tresp.Succeeded {
		return holding{}, false, nil
	}
	return holding{key: key, weight: v.weight, token: tresp.Header.Revision}, true, nil
}

// tryImmediate is tryFirst for the WriterPreferring and ReaderPreferring
// RWMutex: the immediate transaction, which writes nothing when its
// conditions fail; the snapshot it returns then decides whether the try
// can be granted at all (if so, with done false, the caller goes on as
// for any request, and its claim decides).
func (q *queue) tryImmediate(ctx context.Context, key string, v entryValue) (h holding, done bool, err error) {
	claimedV := v
	claimedV.claimed = true
	rng := clientv3.OpGet(q.prefix, clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByCreateRevision, clientv3.SortAscend))
	wctx, cancel := writeContext(ctx)
	defer cancel()
	resp, err := q.c.Txn(wctx).If(q.immediate(v.kind)...).
		Then(clientv3.OpPut(key, claimedV.encode(), clientv3.WithLease(q.s.Lease())), rng).
		Else(rng).
		Commit()
	if err != nil && errors.Is(leaseErr(err), ErrSessionLost) {
		return holding{}, true, ErrSessionLost
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		q.remove(ctx, key) // the put may have been applied
		return holding{}, true, err
	}
	rev := resp.Header.Revision
	if resp.Succeeded {
		st := &qstate{rev: rev, mine: rev}
		if err := st.load(q, resp.Responses[1].GetResponseRange().Kvs); err != nil {
			q.remove(ctx, key)
			return holding{}, true, err
		}
		return holding{key: key, weight: v.weight, token: rev}, true, nil
	}
	st := &qstate{rev: rev, mine: rev + 1}
	if err := st.load(q, resp.Responses[0].GetResponseRange().Kvs); err != nil {
		return holding{}, true, err
	}
	st.entries = append(st.entries, entry{key: key, rev: rev + 1, v: v})
	if !q.grantable(st, &st.entries[len(st.entries)-1]) {
		return holding{}, true, ErrWouldBlock
	}
	return holding{}, false, nil
}

// immediate returns the conditions under which a new request of this kind
// may be written already claimed, or nil where the rule is decided on the
// snapshot instead.
func (q *queue) immediate(kind byte) []clientv3.Cmp {
	if q.orderOnly() {
		return nil
	}
	if kind == 'r' { // no writer at all, waiting or holding
		return []clientv3.Cmp{clientv3.Compare(clientv3.CreateRevision(q.sub('w')).WithPrefix(), "=", 0)}
	}
	// a writer: nobody at all
	return []clientv3.Cmp{clientv3.Compare(clientv3.CreateRevision(q.prefix).WithPrefix(), "=", 0)}
}

// wait watches the queue from st.rev until the request at key is granted
// and claimed, and returns the claim's revision.
func (q *queue) wait(ctx context.Context, st *qstate, key string) (int64, error) {
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	wch, err := q.watch(wctx, ctx, st, key)
	if err != nil {
		return 0, err
	}
	for {
		me := st.find(key)
		if me == nil {
			return 0, ErrSessionLost
		}
		if q.grantable(st, me) {
			tok, ok, err := q.claim(ctx, st, me)
			if err != nil {
				return 0, err
			}
			if ok {
				return tok, nil
			}
			// The claim lost to a change after st.rev; wait for its event.
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-q.s.Done():
			return 0, ErrSessionLost
		case wr, ok := <-wch:
			if !ok || wr.Err() != nil || wr.Canceled {
				if err := ctx.Err(); err != nil {
					return 0, err
				}
				// Compacted, lost its leader, or closed: start again from a
				// fresh snapshot.
				cancel()
				if err := q.resync(ctx, st, key); err != nil {
					return 0, err
				}
				wctx, cancel = context.WithCancel(clientv3.WithRequireLeader(ctx))
				defer cancel()
				if wch, err = q.watch(wctx, ctx, st, key); err != nil {
					return 0, err
				}
				continue
			}
			for _, ev := range wr.Events {
				if ev.Kv.ModRevision <= st.rev {
					continue // already in the snapshot
				}
				if err := st.apply(q, ev, key); err != nil {
					return 0, err
				}
			}
		}
	}
}

// watch opens the watch that keeps st current.
//
// A watch that starts at a past revision is served by etcd's catch-up loop,
// which runs every 100ms, and under contention st.rev is nearly always past
// by the time the watch is opened: every hand-over would wait for that loop.
// Where the grant rule depends on the set of keys alone, the watch starts at
// the current revision instead, and st is read again at the revision the
// watch reports as its start if that moved; events up to st.rev are then
// skipped. The WriterPreferring and ReaderPreferring rules also need the
// events in between (who held the lock meanwhile), so they take the exact
// history and its catch-up.
func (q *queue) watch(wctx, ctx context.Context, st *qstate, key string) (clientv3.WatchChan, error) {
	if !q.orderOnly() {
		return q.c.Watch(wctx, q.prefix, clientv3.WithPrefix(), clientv3.WithRev(st.rev+1)), nil
	}
	wch := q.c.Watch(wctx, q.prefix, clientv3.WithPrefix(), clientv3.WithCreatedNotify())
	var wr clientv3.WatchResponse
	select {
	case wr = <-wch:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if wr.Err() != nil || !wr.Created {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// Let the caller's loop see a failed watch and resynchronise.
		closed := make(chan clientv3.WatchResponse)
		close(closed)
		return closed, nil
	}
	// The created response's revision is read after the watcher was
	// registered, so the watch misses nothing after it.
	if rev := wr.Header.Revision; rev > st.rev {
		resp, err := q.c.Get(ctx, q.prefix, clientv3.WithPrefix(), clientv3.WithRev(rev),
			clientv3.WithSort(clientv3.SortByCreateRevision, clientv3.SortAscend))
		if err != nil {
			return nil, err
		}
		st.rev = rev
		st.entries = st.entries[:0]
		if err := st.load(q, resp.Kvs); err != nil {
			return nil, err
		}
	}
	return wch, nil
}

// resync replaces st by a fresh snapshot. Events missed in between are
// unknown, so a reader assumes it saw a writer hold (it may then try to
// claim sooner; the claim's checks keep that safe).
func (q *queue) resync(ctx context.Context, st *qstate, key string) error {
	resp, err := q.c.Get(ctx, q.prefix, clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByCreateRevision, clientv3.SortAscend))
	if err != nil {
		return err
	}
	st.rev = resp.Header.Revision
	st.entries = st.entries[:0]
	if err := st.load(q, resp.Kvs); err != nil {
		return err
	}
	if me := st.find(key); me != nil && me.v.kind == 'r' {
		st.sawWriterHold = true
	}
	return nil
}

// claim marks me as granted. ok is false when a check failed but me's key
// still exists (the caller waits for the change that made it fail).
func (q *queue) claim(ctx context.Context, st *qstate, me *entry) (tok int64, ok bool, err error) {
	cmps := []clientv3.Cmp{clientv3.Compare(clientv3.CreateRevision(me.key), "=", me.rev)}
	if !q.orderOnly() {
		other := q.sub('r')
		if me.v.kind == 'r' {
			other = q.sub('w')
		}
		cmps = append(cmps, clientv3.Compare(clientv3.ModRevision(other).WithPrefix(), "<", st.rev+1))
	}
	v := me.v
	v.claimed = true
	wctx, cancel := writeContext(ctx)
	defer cancel()
	resp, err := q.c.Txn(wctx).If(cmps...).
		Then(clientv3.OpPut(me.key, v.encode(), clientv3.WithLease(q.s.Lease()))).
		Else(clientv3.OpGet(me.key, clientv3.WithCountOnly())).
		Commit()
	if err != nil {
		return 0, false, err
	}
	if resp.Succeeded {
		// Granted; if ctx ended meanwhile, the caller removes the key and
		// so passes the grant on.
		if err := ctx.Err(); err != nil {
			return 0, false, err
		}
		return resp.Header.Revision, true, nil
	}
	if resp.Responses[0].GetResponseRange().Count == 0 {
		return 0, false, ErrSessionLost
	}
	return 0, false, nil
}

// writeContext returns the context for a write whose outcome the caller
// must know: not cancelled with ctx, but bounded.
func writeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
}

// remove deletes key, also after ctx ended. A key left behind by a live
// session would block the primitive until the session ends, so a failed
// delete (a cluster electing a leader refuses writes for a moment) is
// retried: for a while before remove returns, then in the background until
// it succeeds or the session's lease ends, which removes the key anyway.
func (q *queue) remove(ctx context.Context, key string) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if q.tryRemove(cctx, key) {
		return
	}
	go func() {
		bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		defer cancel()
		go func() {
			select {
			case <-q.s.Done():
				cancel()
			case <-bctx.Done():
			}
		}()
		q.tryRemove(bctx, key)
	}()
}

// tryRemove deletes key, retrying until it succeeds, ctx ends or the
// session's lease ends; it reports whether the key is gone.
func (q *queue) tryRemove(ctx context.Context, key string) bool {
	backoff := 50 * time.Millisecond
	for {
		if _, err := q.c.Delete(ctx, key); err == nil {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-q.s.Done():
			return true // the lease, hence the key, is gone
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}

// grantable is the grant rule: whether me may claim in state st.
func (q *queue) grantable(st *qstate, me *entry) bool {
	switch q.kind {
	case 'x', 's':
		// Weighted FIFO: the weights of me and everything ahead of it fit.
		// Keys ahead only leave, so the sum only falls while me waits.
		var sum int64
		for i := range st.entries {
			e := &st.entries[i]
			if e.rev > me.rev {
				break
			}
			sum += e.v.weight
		}
		capacity := q.setting
		if q.kind == 'x' {
			capacity = 1
		}
		return sum <= capacity
	}
	switch Policy(q.setting) {
	case Fair:
		for i := range st.entries {
			e := &st.entries[i]
			if e.rev >= me.rev {
				return true
			}
			if me.v.kind == 'w' || e.v.kind == 'w' {
				return false // a writer goes first in line; a reader after no writer
			}
		}
		return true
	case ReaderPreferring:
		if me.v.kind == 'r' {
			return !st.writerHolds()
		}
		for i := range st.entries {
			e := &st.entries[i]
			if e.v.claimed || e.v.kind == 'r' || (e.v.kind == 'w' && e.rev < me.rev) {
				return false
			}
		}
		return true
	default: // WriterPreferring
		if me.v.kind == 'r' {
			if st.writerHolds() {
				return false
			}
			if st.sawWriterHold {
				// It waited through a writer's hold: the readers that were
				// waiting when a writer unlocked go before the next writer.
				return true
			}
			for i := range st.entries {
				e := &st.entries[i]
				if e.v.kind == 'w' && e.rev < me.rev {
					return false
				}
			}
			return true
		}
		// A writer waits for the holders, for writers ahead of it, and for
		// readers that arrived before it or before the last writer unlocked.
		limit := max(me.rev, st.writerRelease)
		for i := range st.entries {
			e := &st.entries[i]
			if e.v.claimed || (e.v.kind == 'w' && e.rev < me.rev) || (e.v.kind == 'r' && e.rev < limit) {
				return false
			}
		}
		return true
	}
}

func (st *qstate) writerHolds() bool {
	for i := range st.entries {
		if st.entries[i].v.kind == 'w' && st.entries[i].v.claimed {
			return true
		}
	}
	return false
}

func (st *qstate) find(key string) *entry {
	for i := range st.entries {
		if st.entries[i].key == key {
			return &st.entries[i]
		}
	}
	return nil
}
