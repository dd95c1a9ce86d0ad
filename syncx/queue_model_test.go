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

// queueModel is the sequential specification of Queue: a slice of values, the
// FIFO of blocked Put calls (with their values) and of blocked Take calls.
type queueModel struct {
	capacity int
	buf      []int
	putters  []queueModelOp // blocked Put calls
	takers   []queueModelOp // blocked Take calls
	closed   bool
}

type queueModelOp struct {
	id, v int
}

// queueResult is what a Put or Take goroutine returned.
type queueResult struct {
	v   int
	err error
}

// queueRunModel decodes ops into queue operations, runs them on a Queue in a
// synctest bubble and, after each, checks that exactly the calls the model
// completed have returned, with the model's results, and that Len agrees.
func queueRunModel(t *testing.T, capacity int, ops []byte) {
	synctest.Test(t, func(t *testing.T) {
		q := syncx.NewQueue[int](capacity)
		m := &queueModel{capacity: capacity}
		type call struct {
			res         chan queueResult
			cancel      context.CancelFunc
			cancellable bool
			done        bool
		}
		var calls []*call
		expect := func(id int, want queueResult) {
			t.Helper()
			select {
			case got := <-calls[id].res:
				if got.v != want.v || !errors.Is(got.err, want.err) {
					t.Fatalf("call #%d returned %v, %v; model %v, %v", id, got.v, got.err, want.v, want.err)
				}
				calls[id].done = true
			default:
				t.Fatalf("call #%d still blocked; the model says it returned %v", id, want)
			}
		}
		start := func(cancellable bool, f func(ctx context.Context) queueResult) int {
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if cancellable {
				ctx, cancel = context.WithCancel(ctx)
			}
			c := &call{res: make(chan queueResult, 1), cancel: cancel, cancellable: cancellable}
			calls = append(calls, c)
			go func() { c.res <- f(ctx) }()
			return len(calls) - 1
		}
		// modelPut: a Put of v by id (id < 0: TryPut); reports whether it
		// completed at once.
		modelPut := func(v int) bool {
			if len(m.takers) > 0 {
				tk := m.takers[0]
				m.takers = m.takers[1:]
				synctest.Wait()
				expect(tk.id, queueResult{v: v})
				return true
			}
			if m.capacity > 0 && len(m.buf) >= m.capacity {
				return false
			}
			m.buf = append(m.buf, v)
			return true
		}
		// modelTake: returns the value and whether there was one, moving the
		// first blocked Put's value in.
		modelTake := func() (int, bool) {
			if len(m.buf) == 0 {
				return 0, false
			}
			v := m.buf[0]
			m.buf = m.buf[1:]
			if len(m.putters) > 0 {
				p := m.putters[0]
				m.putters = m.putters[1:]
				m.buf = append(m.buf, p.v)
				synctest.Wait()
				expect(p.id, queueResult{})
			}
			return v, true
		}
		nextV := 0
		for i := 0; i+1 < len(ops); i += 2 {
			op, arg := ops[i]%8, int(ops[i+1])
			switch op {
			case 0, 1: // Put, cancellable or not
				v := nextV
				nextV++
				id := start(op == 1, func(ctx context.Context) queueResult { return queueResult{err: q.Put(ctx, v)} })
				synctest.Wait()
				switch {
				case m.closed:
					expect(id, queueResult{err: syncx.ErrClosed})
				case modelPut(v):
					expect(id, queueResult{})
				default:
					m.putters = append(m.putters, queueModelOp{id, v})
				}
			case 2, 3: // Take, cancellable or not
				id := start(op == 3, func(ctx context.Context) queueResult {
					v, err := q.Take(ctx)
					return queueResult{v, err}
				})
				synctest.Wait()
				if v, ok := modelTake(); ok {
					expect(id, queueResult{v: v})
				} else if m.closed {
					expect(id, queueResult{err: syncx.ErrClosed})
				} else {
					m.takers = append(m.takers, queueModelOp{id: id})
				}
			case 4: // TryPut
				v := nextV
				nextV++
				got := q.TryPut(v) // first: the model checks the taker it serves
				if want := !m.closed && modelPut(v); got != want {
					t.Fatalf("TryPut = %v, model %v", got, want)
				}
			case 5: // TryTake
				v, ok := q.TryTake()
				wantV, want := modelTake()
				if ok != want || v != wantV {
					t.Fatalf("TryTake = %d, %v; model %d, %v", v, ok, wantV, want)
				}
			case 6: // Close
				q.Close()
				if !m.closed {
					m.closed = true
					synctest.Wait()
					for _, p := range m.putters {
						expect(p.id, queueResult{err: syncx.ErrClosed})
					}
					for _, tk := range m.takers {
						expect(tk.id, queueResult{err: syncx.ErrClosed})
					}
					m.putters, m.takers = nil, nil
				}
			case 7: // cancel a blocked cancellable call
				var ids []int
				for _, w := range slices.Concat(m.putters, m.takers) {
					if calls[w.id].cancellable {
						ids = append(ids, w.id)
					}
				}
				if len(ids) == 0 {
					break
				}
				id := ids[arg%len(ids)]
				calls[id].cancel()
				synctest.Wait()
				del := func(w queueModelOp) bool { return w.id == id }
				m.putters = slices.DeleteFunc(m.putters, del)
				m.takers = slices.DeleteFunc(m.takers, del)
				expect(id, queueResult{err: context.Canceled})
			}
			synctest.Wait()
			for id, c := range calls {
				if !c.done && len(c.res) > 0 {
					t.Fatalf("after op %d: call #%d returned; the model says it waits", i/2, id)
				}
			}
			if q.Len() != len(m.buf) {
				t.Fatalf("after op %d: Len = %d, model %d", i/2, q.Len(), len(m.buf))
			}
		}
		// Let every blocked call go so the bubble can end.
		q.Close()
		for _, c := range calls {
			if !c.done {
				<-c.res
			}
			c.cancel()
		}
	})
}

func TestQueueReferenceModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		ops := make([]byte, 2*(1+r.IntN(40)))
		for i := range ops {
			ops[i] = byte(r.UintN(256))
		}
		// Close rarely, so that runs get deep before it.
		for i := 0; i < len(ops); i += 2 {
			if ops[i]%8 == 6 && r.IntN(4) != 0 {
				ops[i]++
			}
		}
		queueRunModel(t, r.IntN(4), ops)
		if t.Failed() {
			t.Logf("ops: %v", ops)
			return
		}
	}
}

func FuzzQueue(f *testing.F) {
	f.Add(byte(1), []byte{0, 0, 0, 0, 2, 0, 3, 0, 7, 0, 5, 0})
	f.Add(byte(0), []byte{2, 0, 3, 0, 7, 1, 4, 0, 6, 0, 2, 0})
	f.Add(byte(2), []byte{1, 0, 1, 0, 1, 0, 7, 1, 5, 0, 6, 0, 5, 0, 5, 0})
	f.Fuzz(func(t *testing.T, capacity byte, ops []byte) {
		if len(ops) > 200 {
			ops = ops[:200]
		}
		queueRunModel(t, int(capacity%4), ops)
	})
}
