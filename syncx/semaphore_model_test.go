package syncx_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/syncx"
)

// semModel is the sequential specification of Semaphore: a counter and a FIFO
// of pending requests, served from the head while the head fits.
type semModel struct {
	avail int64
	queue []semModelWaiter
}

type semModelWaiter struct {
	id int
	n  int64
}

// serve grants requests at the head of the queue while they fit and returns
// the ids it granted.
func (m *semModel) serve() (granted []int) {
	for len(m.queue) > 0 && m.queue[0].n <= m.avail {
		m.avail -= m.queue[0].n
		granted = append(granted, m.queue[0].id)
		m.queue = m.queue[1:]
	}
	return granted
}

// semRunModel decodes ops into a sequence of semaphore operations, runs them
// against a Semaphore inside a synctest bubble, and after every operation
// checks, once every goroutine has settled, that exactly the Acquire calls the
// model granted have returned, and that Available agrees with the model.
func semRunModel(t *testing.T, initial int64, ops []byte) {
	synctest.Test(t, func(t *testing.T) {
		s := syncx.NewSemaphore(initial)
		m := &semModel{avail: initial}
		type pending struct {
			res         chan error
			cancel      context.CancelFunc
			cancellable bool
			done        bool
		}
		var acq []*pending
		expectDone := func(id int, want error) {
			t.Helper()
			select {
			case err := <-acq[id].res:
				if !errors.Is(err, want) {
					t.Fatalf("Acquire #%d = %v, want %v", id, err, want)
				}
				acq[id].done = true
			default:
				t.Fatalf("Acquire #%d still blocked, the model says it returned", id)
			}
		}
		for i := 0; i+1 < len(ops); i += 2 {
			op, arg := ops[i]%5, int64(ops[i+1]%5)
			switch op {
			case 0, 1: // Acquire(arg), cancellable or not
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if op == 1 {
					ctx, cancel = context.WithCancel(ctx)
				}
				p := &pending{res: make(chan error, 1), cancel: cancel, cancellable: op == 1}
				acq = append(acq, p)
				go func() { p.res <- s.Acquire(ctx, arg) }()
				if arg == 0 {
					// Acquire(ctx, 0) succeeds at once, even behind waiters.
					synctest.Wait()
					expectDone(len(acq)-1, nil)
					break
				}
				m.queue = append(m.queue, semModelWaiter{len(acq) - 1, arg})
				synctest.Wait()
				for _, id := range m.serve() {
					expectDone(id, nil)
				}
			case 2: // Release(arg)
				s.Release(arg)
				m.avail += arg
				synctest.Wait()
				for _, id := range m.serve() {
					expectDone(id, nil)
				}
			case 3: // TryAcquire(arg)
				want := arg == 0 || len(m.queue) == 0 && m.avail >= arg
				if got := s.TryAcquire(arg); got != want {
					t.Fatalf("TryAcquire(%d) = %v, model says %v (avail %d, %d queued)", arg, got, want, m.avail, len(m.queue))
				}
				if want {
					m.avail -= arg
				}
			case 4: // cancel one of the queued cancellable Acquire calls
				var ids []int
				for _, w := range m.queue {
					if acq[w.id].cancellable {
						ids = append(ids, w.id)
					}
				}
				if len(ids) == 0 {
					break
				}
				id := ids[int(arg)%len(ids)]
				acq[id].cancel()
				synctest.Wait()
				m.queue = slices.DeleteFunc(m.queue, func(w semModelWaiter) bool { return w.id == id })
				expectDone(id, context.Canceled)
				for _, gid := range m.serve() {
					expectDone(gid, nil)
				}
			}
			for id, p := range acq {
				if !p.done && len(p.res) > 0 {
					t.Fatalf("after op %d: Acquire #%d returned, the model says it waits", i/2, id)
				}
			}
			if got := s.Available(); got != m.avail {
				t.Fatalf("after op %d: Available = %d, model %d", i/2, got, m.avail)
			}
		}
		// Let every waiter go, so the bubble can end.
		var need int64
		for _, w := range m.queue {
			need += w.n
		}
		s.Release(need)
		for _, p := range acq {
			p.cancel()
			if !p.done {
				<-p.res
			}
		}
	})
}

func TestSemaphoreReferenceModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		ops := make([]byte, 2*(1+r.IntN(40)))
		for i := range ops {
			ops[i] = byte(r.UintN(256))
		}
		semRunModel(t, r.Int64N(4), ops)
		if t.Failed() {
			t.Logf("ops: %v", ops)
			return
		}
	}
}

func FuzzSemaphore(f *testing.F) {
	f.Add(byte(0), []byte{0, 3, 1, 1, 2, 2, 4, 0, 2, 3})
	f.Add(byte(2), []byte{1, 4, 0, 1, 3, 1, 4, 0, 2, 1})
	f.Add(byte(1), []byte{3, 1, 1, 2, 0, 0, 2, 4, 4, 1, 2, 4})
	f.Fuzz(func(t *testing.T, initial byte, ops []byte) {
		if len(ops) > 200 {
			ops = ops[:200]
		}
		semRunModel(t, int64(initial%8), ops)
	})
}
