package syncx_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/syncx"
)

// rwModel is a plain, sequential reference for who holds and who waits in an
// RWMutex under each policy. The model test below drives a real RWMutex and
// the model with the same operations, one at a time, and compares them after
// every step.
type rwModel struct {
	policy  syncx.Policy
	holders map[int]bool // id -> holds for reading
	queue   []rwModelWaiter
}

type rwModelWaiter struct {
	id     int
	reader bool
}

func (m *rwModel) writer() bool {
	for _, r := range m.holders {
		if !r {
			return true
		}
	}
	return false
}

func (m *rwModel) writersQueued() bool {
	return slices.ContainsFunc(m.queue, func(w rwModelWaiter) bool { return !w.reader })
}

// mayEnter reports whether a newly arriving goroutine gets the lock at once.
func (m *rwModel) mayEnter(reader bool) bool {
	if !reader {
		return len(m.holders) == 0 && len(m.queue) == 0
	}
	if m.writer() {
		return false
	}
	switch m.policy {
	case syncx.WriterPreferring:
		return !m.writersQueued()
	case syncx.Fair:
		return len(m.queue) == 0
	}
	return true
}

func (m *rwModel) arrive(id int, reader bool) {
	if m.mayEnter(reader) {
		m.holders[id] = reader
	} else {
		m.queue = append(m.queue, rwModelWaiter{id, reader})
	}
}

func (m *rwModel) release(id int) {
	reader := m.holders[id]
	delete(m.holders, id)
	m.grant(!reader)
}

func (m *rwModel) cancel(id int) {
	m.queue = slices.DeleteFunc(m.queue, func(w rwModelWaiter) bool { return w.id == id })
	m.grant(false)
}

func (m *rwModel) grant(afterWriter bool) {
	if m.writer() {
		return
	}
	admit := func(keep func(w rwModelWaiter) bool) {
		var rest []rwModelWaiter
		for _, w := range m.queue {
			if keep(w) {
				rest = append(rest, w)
			} else {
				m.holders[w.id] = w.reader
			}
		}
		m.queue = rest
	}
	allReaders := func(w rwModelWaiter) bool { return !w.reader }
	firstWriter := func() {
		if len(m.holders) == 0 {
			if i := slices.IndexFunc(m.queue, allReaders); i >= 0 {
				m.holders[m.queue[i].id] = false
				m.queue = slices.Delete(m.queue, i, i+1)
			}
		}
	}
	switch m.policy {
	case syncx.Fair:
		for len(m.queue) > 0 {
			w := m.queue[0]
			if !w.reader && len(m.holders) > 0 {
				break
			}
			m.holders[w.id] = w.reader
			m.queue = m.queue[1:]
			if !w.reader {
				break
			}
		}
	case syncx.WriterPreferring:
		if afterWriter || !m.writersQueued() {
			admit(allReaders)
		}
		firstWriter()
	case syncx.ReaderPreferring:
		admit(allReaders)
		firstWriter()
	}
}

// rwModelPart is one goroutine of the model test.
type rwModelPart struct {
	reader   bool
	cancel   context.CancelFunc
	release  chan struct{}
	got      chan error
	done     bool
	err      error
	released bool
}

// rwModelRun applies ops (decoded from bytes) to a real RWMutex and to the
// model, in a bubble so that after synctest.Wait every goroutine has either
// got the lock or is durably queued.
func rwModelRun(t *testing.T, p syncx.Policy, ops []byte) {
	synctest.Test(t, func(t *testing.T) {
		rw := syncx.NewRWMutex(p)
		model := &rwModel{policy: p, holders: map[int]bool{}}
		parts := map[int]*rwModelPart{} // goroutines; ids < 0 are Try* by this goroutine
		tried := map[int]bool{}
		var log []string
		next := 1
		releaseOne := func(id int) {
			if id < 0 {
				if tried[id] {
					rw.RUnlock()
				} else {
					rw.Unlock()
				}
			} else {
				close(parts[id].release)
				parts[id].released = true
			}
			model.release(id)
			log = append(log, fmt.Sprintf("release %d", id))
		}
		cancelOne := func(id int) {
			parts[id].cancel()
			model.cancel(id)
			log = append(log, fmt.Sprintf("cancel %d", id))
		}
		for _, b := range ops {
			arg := int(b / 5)
			switch b % 5 {
			case 0, 1: // a goroutine arrives and blocks in RLockContext or LockContext
				id, reader := next, b%5 == 0
				next++
				ctx, cancel := context.WithCancel(context.Background())
				pt := &rwModelPart{reader: reader, cancel: cancel, release: make(chan struct{}), got: make(chan error, 1)}
				parts[id] = pt
				go func() {
					var err error
					if reader {
						err = rw.RLockContext(ctx)
					} else {
						err = rw.LockContext(ctx)
					}
					pt.got <- err
					if err != nil {
						return
					}
					<-pt.release
					if reader {
						rw.RUnlock()
					} else {
						rw.Unlock()
					}
				}()
				model.arrive(id, reader)
				log = append(log, fmt.Sprintf("arrive %d reader=%v", id, reader))
			case 2: // a holder releases
				ids := slices.Sorted(maps.Keys(model.holders))
				if len(ids) == 0 {
					continue
				}
				releaseOne(ids[arg%len(ids)])
			case 3: // a waiter gives up
				if len(model.queue) == 0 {
					continue
				}
				cancelOne(model.queue[arg%len(model.queue)].id)
			case 4: // TryRLock or TryLock here
				reader := arg%2 == 0
				want := model.mayEnter(reader)
				var got bool
				if reader {
					got = rw.TryRLock()
				} else {
					got = rw.TryLock()
				}
				log = append(log, fmt.Sprintf("try reader=%v -> %v", reader, got))
				if got != want {
					t.Fatalf("%v: Try (reader=%v) = %v, model says %v\nsteps:\n%v", p, reader, got, want, log)
				}
				if got {
					id := -next
					next++
					tried[id] = reader
					model.holders[id] = reader
				}
			}
			synctest.Wait()
			for id, pt := range parts {
				if !pt.done {
					select {
					case pt.err = <-pt.got:
						pt.done = true
					default:
					}
				}
				_, holds := model.holders[id]
				queued := slices.ContainsFunc(model.queue, func(w rwModelWaiter) bool { return w.id == id })
				switch {
				case holds && (!pt.done || pt.err != nil):
					t.Fatalf("%v: %d should hold the lock (returned %v, err %v)\nsteps:\n%v", p, id, pt.done, pt.err, log)
				case queued && pt.done:
					t.Fatalf("%v: %d returned (err %v) but should still wait\nsteps:\n%v", p, id, pt.err, log)
				case !holds && !queued && !pt.released && (!pt.done || pt.err == nil):
					t.Fatalf("%v: %d should have given up (returned %v, err %v)\nsteps:\n%v", p, id, pt.done, pt.err, log)
				}
			}
		}
		// Let everybody go, one at a time as above (a cancellation or
		// release may grant others): first the waiters give up, then the
		// holders release; the lock must end free.
		for len(model.queue) > 0 {
			cancelOne(model.queue[0].id)
			synctest.Wait()
		}
		for len(model.holders) > 0 {
			releaseOne(slices.Min(slices.Collect(maps.Keys(model.holders))))
			synctest.Wait()
		}
		for _, pt := range parts {
			pt.cancel()
		}
		if !rw.TryLock() {
			t.Fatalf("%v: lock not free at the end\nsteps:\n%v", p, log)
		}
	})
}

func TestRWMutexModel(t *testing.T) {
	rwEach(t, func(t *testing.T, p syncx.Policy) {
		r := rand.New(rand.NewPCG(uint64(p), 4))
		for range 200 {
			ops := make([]byte, 40)
			for i := range ops {
				ops[i] = byte(r.IntN(256))
			}
			rwModelRun(t, p, ops)
		}
	})
}

func FuzzRWMutexModel(f *testing.F) {
	f.Add(uint8(0), []byte{0, 1, 0, 2, 2, 2})
	f.Add(uint8(1), []byte{0, 1, 0, 3, 2, 4, 9})
	f.Add(uint8(2), []byte{0, 1, 0, 1, 8, 2, 2, 2, 2})
	f.Fuzz(func(t *testing.T, policy uint8, ops []byte) {
		if len(ops) > 200 {
			ops = ops[:200]
		}
		rwModelRun(t, syncx.Policy(policy%3), ops)
	})
}
