package dsync_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/concurkit/concur/dsync"
	"github.com/concurkit/concur/dsync/dsynctest"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// history records what clients saw, with times from one monotonic clock.
type history struct {
	start time.Time
	mu    sync.Mutex
	mutex []porcupine.Operation // Lock/Unlock pairs that ended normally
	sem   []porcupine.Operation
	holds []hold // intervals known to be held
	arr   map[int]int
}

type hold struct {
	kind       string
	from, to   int64 // Lock returned .. Unlock called (or the session killed)
	weight     int64
	token      int64
	killed     bool
	clientName int
}

func (h *history) now() int64 { return int64(time.Since(h.start)) }

type lockOp struct {
	lock   bool
	client int
	n      int64
}

// TestFaults runs many clients against a 3-member cluster; one member (the
// leader) is stopped and restarted mid-way, some waits are cancelled and one
// holder's session is killed. The recorded histories must be linearizable
// for a lock and a counting semaphore, critical sections must not overlap,
// permits in use never exceed the total, and barrier rounds complete whole.
// Bounded: a fixed number of operations per client and a deadline.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 3-member cluster")
	}
	etcd := dsynctest.Cluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	h := &history{start: time.Now(), arr: map[int]int{}}
	const (
		lockers, semClients, parties = 4, 4, 3
		maxOps, permits              = 300, 3
	)
	// Clients run until the fault sequence is over (stop), at most maxOps
	// operations each; barrier parties leave by cancelling, which breaks the
	// round for the others, who then see stop too.
	var progress atomic.Int64
	var stop atomic.Bool
	stopCtx, stopAll := context.WithCancel(ctx)
	defer stopAll()
	session := func(c *clientv3.Client) *concurrency.Session {
		for {
			s, err := concurrency.NewSession(c, concurrency.WithTTL(3))
			if err == nil {
				t.Cleanup(func() { s.Close() })
				return s
			}
			if ctx.Err() != nil {
				t.Fatalf("session: %v", err)
			}
		}
	}
	var wg sync.WaitGroup
	// Mutex clients; client 0 kills its session while holding, once.
	for i := range lockers {
		c := etcd.NewClient(t)
		wg.Go(func() {
			s := session(c)
			m := dsync.NewMutex(s, "faults/mutex")
			r := rand.New(rand.NewPCG(uint64(i), 4))
			for j := 0; j < maxOps && !stop.Load(); j++ {
				wctx, wcancel := ctx, context.CancelFunc(func() {})
				if r.IntN(4) == 0 {
					wctx, wcancel = context.WithTimeout(ctx, time.Duration(r.IntN(50))*time.Millisecond)
				}
				call := h.now()
				f, err := m.Lock(wctx)
				ret := h.now()
				wcancel()
				progress.Add(1)
				if err != nil {
					continue // holds nothing; left out of the history
				}
				if i == 0 && j == 10 {
					s.Orphan() // the process "dies": no unlock, keepalives stop
					h.add(hold{kind: "mutex", from: ret, to: h.now(), weight: 1, token: f.Token(), killed: true, clientName: i})
					s = session(c)
					m = dsync.NewMutex(s, "faults/mutex")
					continue
				}
				ucall := h.now()
				lost := unlockRetry(ctx, func(ctx context.Context) error { return m.Unlock(ctx) })
				uret := h.now()
				// A holding lost with its lease (a stall on this loaded
				// machine can expire one) ended at an unknown moment before
				// ucall: it is left out of the checks.
				if !lost {
					h.add(hold{kind: "mutex", from: ret, to: ucall, weight: 1, token: f.Token(), clientName: i})
					h.op(&h.mutex, i, lockOp{lock: true, client: i}, call, ret)
					h.op(&h.mutex, i, lockOp{client: i}, ucall, uret)
				}
			}
		})
	}
	// Semaphore clients.
	for i := range semClients {
		c := etcd.NewClient(t)
		wg.Go(func() {
			sem := dsync.NewSemaphore(session(c), "faults/sem", permits)
			r := rand.New(rand.NewPCG(uint64(i), 5))
			for j := 0; j < maxOps && !stop.Load(); j++ {
				n := 1 + r.Int64N(2)
				wctx, wcancel := ctx, context.CancelFunc(func() {})
				if r.IntN(4) == 0 {
					wctx, wcancel = context.WithTimeout(ctx, time.Duration(r.IntN(50))*time.Millisecond)
				}
				call := h.now()
				f, err := sem.Acquire(wctx, n)
				ret := h.now()
				wcancel()
				progress.Add(1)
				if err != nil {
					continue
				}
				rcall := h.now()
				lost := unlockRetry(ctx, func(ctx context.Context) error { return sem.Release(ctx, n) })
				rret := h.now()
				if !lost {
					h.add(hold{kind: "sem", from: ret, to: rcall, weight: n, token: f.Token()})
					h.op(&h.sem, i, lockOp{lock: true, client: i, n: n}, call, ret)
					h.op(&h.sem, i, lockOp{client: i, n: n}, rcall, rret)
				}
			}
		})
	}
	// Barrier parties.
	for range parties {
		c := etcd.NewClient(t)
		wg.Go(func() {
			b := dsync.NewBarrier(session(c), "faults/barrier", parties)
			for j := 0; j < maxOps && !stop.Load(); j++ {
				a, err := b.Await(stopCtx)
				progress.Add(1)
				if err == nil {
					h.mu.Lock()
					h.arr[a]++
					h.mu.Unlock()
				}
			}
		})
	}
	// The fault: once the clients are going, stop the leader; restart it
	// once they have made progress without it.
	leader := findLeader(t, ctx, etcd)
	waitProgress(ctx, &progress, 30)
	t.Logf("stopping member %d (the leader) at %v", leader, time.Since(h.start).Round(time.Millisecond))
	etcd.Stop(leader)
	waitProgress(ctx, &progress, progress.Load()+30)
	t.Logf("restarting it at %v", time.Since(h.start).Round(time.Millisecond))
	if err := etcd.Restart(leader); err != nil {
		t.Fatal(err)
	}
	waitProgress(ctx, &progress, progress.Load()+30)
	stop.Store(true)
	stopAll()
	finished := make(chan struct{})
	go func() {
		select {
		case <-finished:
		case <-time.After(30 * time.Second):
			// Stalled: show where the clients wait.
			buf := make([]byte, 1<<22)
			buf = buf[:runtime.Stack(buf, true)]
			for _, g := range strings.Split(string(buf), "\n\n") {
				if strings.Contains(g, "dsync.") && !strings.Contains(g, "created by testing") {
					t.Log(g)
				}
			}
		}
	}()
	wg.Wait()
	close(finished)
	t.Logf("done at %v, %d client calls", time.Since(h.start).Round(time.Millisecond), progress.Load())
	if ctx.Err() != nil {
		t.Fatal("the run did not finish in time")
	}
	h.check(t, permits, parties)
}

// unlockRetry ends a holding, retrying errors such as a leader change; it
// reports whether the holding had been lost with its lease.
func unlockRetry(ctx context.Context, unlock func(context.Context) error) (lost bool) {
	for {
		err := unlock(ctx)
		if err == nil {
			return false
		}
		if errors.Is(err, dsync.ErrSessionLost) || ctx.Err() != nil {
			return true
		}
	}
}

func findLeader(t *testing.T, ctx context.Context, etcd *dsynctest.Etcd) int {
	c := etcd.NewClient(t)
	for i, ep := range etcd.Endpoints() {
		st, err := c.Status(ctx, ep)
		if err != nil {
			t.Fatal(err)
		}
		if st.Leader == st.Header.MemberId {
			return i
		}
	}
	t.Fatal("no leader")
	return 0
}

// waitProgress waits until n client calls have returned; the clients'
// progress, not the clock, paces the fault.
func waitProgress(ctx context.Context, p *atomic.Int64, n int64) {
	for p.Load() < n && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (h *history) add(x hold) {
	h.mu.Lock()
	h.holds = append(h.holds, x)
	h.mu.Unlock()
}

func (h *history) op(ops *[]porcupine.Operation, client int, in lockOp, call, ret int64) {
	h.mu.Lock()
	*ops = append(*ops, porcupine.Operation{ClientId: client, Input: in, Call: call, Output: nil, Return: ret})
	h.mu.Unlock()
}

// counting is the model of both: a semaphore of cap permits, where a Mutex
// is one permit owned by its locker.
func counting(capacity int64) porcupine.Model {
	type state struct {
		used  int64
		owner int // the Mutex's holder, -1 when free
	}
	return porcupine.Model{
		Init: func() any { return state{owner: -1} },
		Step: func(s, in, _ any) (bool, any) {
			st, op := s.(state), in.(lockOp)
			n := max(op.n, 1)
			if op.lock {
				if st.used+n > capacity {
					return false, st
				}
				return true, state{used: st.used + n, owner: op.client}
			}
			if st.used < n || (capacity == 1 && st.owner != op.client) {
				return false, st
			}
			return true, state{used: st.used - n, owner: -1}
		},
	}
}

func (h *history) check(t *testing.T, permits int64, parties int) {
	t.Logf("%d mutex and %d semaphore operations recorded; barrier arrivals %v", len(h.mutex), len(h.sem), h.arr)
	if r := porcupine.CheckOperationsTimeout(counting(1), h.mutex, 30*time.Second); r != porcupine.Ok {
		t.Errorf("mutex history: %v", r)
	}
	if r := porcupine.CheckOperationsTimeout(counting(permits), h.sem, 30*time.Second); r != porcupine.Ok {
		t.Errorf("semaphore history: %v", r)
	}
	// Known-held intervals: sweep for overlaps beyond the capacity, and
	// tokens must follow the order of the Mutex's critical sections.
	for _, kind := range []string{"mutex", "sem"} {
		capacity := int64(1)
		if kind == "sem" {
			capacity = permits
		}
		type ev struct {
			at    int64
			delta int64
		}
		var evs []ev
		var mh []hold
		for _, x := range h.holds {
			if x.kind != kind {
				continue
			}
			evs = append(evs, ev{x.from, x.weight}, ev{x.to, -x.weight})
			mh = append(mh, x)
		}
		sort.Slice(evs, func(i, j int) bool {
			if evs[i].at != evs[j].at {
				return evs[i].at < evs[j].at
			}
			return evs[i].delta < evs[j].delta
		})
		var used int64
		for _, e := range evs {
			used += e.delta
			if used > capacity {
				t.Errorf("%s: %d in use of %d", kind, used, capacity)
				break
			}
		}
		if kind == "mutex" {
			sort.Slice(mh, func(i, j int) bool { return mh[i].from < mh[j].from })
			for i := 1; i < len(mh); i++ {
				if mh[i].token <= mh[i-1].token {
					t.Errorf("token %d after %d", mh[i].token, mh[i-1].token)
				}
			}
		}
	}
	// Each completed round has one arrival of each index.
	for a := 1; a < parties; a++ {
		if h.arr[a] != h.arr[0] {
			t.Errorf("barrier arrivals by index %v: rounds not whole", h.arr)
			break
		}
	}
	if h.arr[0] == 0 {
		t.Error("no barrier round completed")
	}
}
