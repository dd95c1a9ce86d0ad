package dsync

import (
	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// load appends the keys of a snapshot, sorted by creation revision, to st
// (whose entries are empty). A key that dsync did not write, or one written
// with other settings, makes the whole request fail with ErrMismatch rather
// than guess, if it came before the waiter's own key and, for one written
// with other settings, before every key with the right ones.
//
// The others are skipped: the snapshot of the request that wrote such a key
// held the waiter's key or that earlier key (keys are never re-created, so
// one present now with a smaller creation revision was present then), so
// that request fails and removes its key; it must not fail the requests
// that came before it.
func (st *qstate) load(q *queue, kvs []*mvccpb.KeyValue) error {
	for _, kv := range kvs {
		e, err := q.entryOf(kv)
		if err != nil {
			_, fromDsync := decodeEntry(kv.Value)
			if kv.CreateRevision > st.mine || (fromDsync && len(st.entries) > 0) {
				continue
			}
			return err
		}
		st.entries = append(st.entries, e)
	}
	return nil
}

func (q *queue) entryOf(kv *mvccpb.KeyValue) (entry, error) {
	v, ok := decodeEntry(kv.Value)
	if !ok || v.setting != q.setting || !q.accepts(v.kind) {
		return entry{}, ErrMismatch
	}
	return entry{key: string(kv.Key), rev: kv.CreateRevision, v: v}, nil
}

func (q *queue) accepts(kind byte) bool {
	if q.kind == 'r' || q.kind == 'w' {
		return kind == 'r' || kind == 'w'
	}
	return kind == q.kind
}

// apply brings st up to date with one watch event. A new key always has a
// larger creation revision than every key present, so it goes at the end.
func (st *qstate) apply(q *queue, ev *clientv3.Event, mine string) error {
	kv := ev.Kv
	st.rev = max(st.rev, kv.ModRevision)
	key := string(kv.Key)
	if ev.Type == clientv3.EventTypeDelete {
		for i := range st.entries {
			if st.entries[i].key == key {
				if st.entries[i].v.kind == 'w' && st.entries[i].v.claimed {
					st.writerRelease = kv.ModRevision
				}
				st.entries = append(st.entries[:i], st.entries[i+1:]...)
				break
			}
		}
		if key == mine {
			return ErrSessionLost
		}
		return nil
	}
	e, err := q.entryOf(kv)
	if err != nil && kv.CreateRevision > st.mine && st.find(key) == nil {
		return nil // a later request with other settings: see load
	}
	if err != nil {
		return err
	}
	if e.v.kind == 'w' && e.v.claimed {
		st.sawWriterHold = true
	}
	if old := st.find(key); old != nil {
		old.v = e.v
		return nil
	}
	st.entries = append(st.entries, e)
	return nil
}
