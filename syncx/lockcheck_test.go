package syncx_test

import (
	"context"
	"errors"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
)

// The deadlock scenarios of the lock checker. Every test runs in both builds:
// with -tags concur_lockcheck it expects exactly the listed reports, without
// the tag it expects none. Scenarios that really deadlock run in a synctest
// bubble with cancellable waits, so that they end in both builds.

// lockReports installs a handler that records the reports for the rest of
// the test.
type lockReports struct {
	mu syncx.Mutex // a handler may use syncx locks
	rs []*syncx.LockReport
	on func(*syncx.LockReport) // optional extra action, run after recording
}

func recordLockReports(t *testing.T) *lockReports {
	t.Helper()
	r := &lockReports{}
	restore := syncx.OnLockReport(func(lr *syncx.LockReport) {
		r.mu.Lock()
		r.rs = append(r.rs, lr)
		on := r.on
		r.mu.Unlock()
		if on != nil {
			on(lr)
		}
	})
	t.Cleanup(restore)
	return r
}

func (r *lockReports) get() []*syncx.LockReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.rs)
}

// expect checks that the reports are of the kinds want, in order, when the
// checker is compiled in, and that there are none otherwise. It returns the
// reports.
func (r *lockReports) expect(t *testing.T, want ...syncx.LockReportKind) []*syncx.LockReport {
	t.Helper()
	got := r.get()
	if !syncx.LockCheckEnabled() {
		want = nil
	}
	var kinds []syncx.LockReportKind
	for _, lr := range got {
		kinds = append(kinds, lr.Kind)
	}
	if !slices.Equal(kinds, want) {
		var b strings.Builder
		for _, lr := range got {
			b.WriteString(lr.String() + "\n")
		}
		t.Fatalf("reports %v, want %v\n%s", kinds, want, b.String())
	}
	return got
}

// checkCycle checks that a report names the locks in cycle order (starting
// anywhere) and that every edge has a call site in this file.
func checkCycle(t *testing.T, lr *syncx.LockReport, locks ...any) {
	t.Helper()
	if len(lr.Locks) != len(locks) || len(lr.Edges) != len(locks) {
		t.Fatalf("%d locks and %d edges, want %d:\n%v", len(lr.Locks), len(lr.Edges), len(locks), lr)
	}
	i := slices.Index(locks, lr.Locks[0])
	if i < 0 {
		t.Fatalf("report names a lock not in the cycle:\n%v", lr)
	}
	for j := range locks {
		if lr.Locks[j] != locks[(i+j)%len(locks)] {
			t.Fatalf("locks not in cycle order:\n%v", lr)
		}
		e := lr.Edges[j]
		if e.From != lr.Locks[j] || e.To != lr.Locks[(j+1)%len(locks)] {
			t.Fatalf("edge %d does not lead from lock %d to the next:\n%v", j, j, lr)
		}
		for _, s := range []syncx.LockSite{e.HeldAt, e.At} {
			if !strings.HasSuffix(s.File, "_test.go") || s.Line == 0 || !strings.Contains(lr.String(), s.File+":") {
				t.Fatalf("edge %d: site %v is not a call site in the tests, or String omits it:\n%v", j, s, lr)
			}
		}
	}
}

// inGoroutine runs f in a new goroutine and waits for it, so that each step
// of a scenario is taken by a different goroutine at a different time.
func inGoroutine(f func()) {
	var wg sync.WaitGroup
	wg.Go(f)
	wg.Wait()
}

func lockBoth(a, b sync.Locker) {
	a.Lock()
	b.Lock()
	b.Unlock()
	a.Unlock()
}

func TestLockCheckABBA(t *testing.T) {
	r := recordLockReports(t)
	var a, b syncx.Mutex
	a.SetName("a")
	b.SetName("b")
	inGoroutine(func() { lockBoth(&a, &b) })
	r.expect(t)
	inGoroutine(func() { lockBoth(&b, &a) })
	rs := r.expect(t, syncx.LockOrderCycle)
	if len(rs) == 1 {
		checkCycle(t, rs[0], &b, &a)
		if s := rs[0].String(); !strings.Contains(s, `"a"`) || !strings.Contains(s, `"b"`) {
			t.Errorf("String does not name the locks:\n%s", s)
		}
		if rs[0].Edges[0].Goroutine == rs[0].Edges[1].Goroutine {
			t.Errorf("both edges attributed to goroutine %d", rs[0].Edges[0].Goroutine)
		}
	}
	// The same problem again, from the same call sites, is not reported twice.
	inGoroutine(func() { lockBoth(&a, &b) })
	inGoroutine(func() { lockBoth(&b, &a) })
	r.expect(t, syncx.LockOrderCycle)
}

// TestLockCheckThreeLockCycle: A->B, B->C and C->A, each taken by its own
// goroutine after the previous one has finished; no two pairs overlap in
// time and no pair is inverted, yet three goroutines running them at once
// can deadlock.
func TestLockCheckThreeLockCycle(t *testing.T) {
	r := recordLockReports(t)
	var a, b, c syncx.Mutex
	inGoroutine(func() { lockBoth(&a, &b) })
	inGoroutine(func() { lockBoth(&b, &c) })
	r.expect(t)
	inGoroutine(func() { lockBoth(&c, &a) })
	rs := r.expect(t, syncx.LockOrderCycle)
	if len(rs) == 1 {
		checkCycle(t, rs[0], &c, &a, &b)
		ids := map[int64]bool{}
		for _, e := range rs[0].Edges {
			ids[e.Goroutine] = true
		}
		if len(ids) != 3 {
			t.Errorf("edges attributed to %d goroutines, want 3:\n%v", len(ids), rs[0])
		}
	}
}

// TestLockCheckShortestCycle: the report is the shortest cycle through the
// new edge, not the first one found.
func TestLockCheckShortestCycle(t *testing.T) {
	r := recordLockReports(t)
	var a, b, c, d syncx.Mutex
	lockBoth(&a, &b)
	lockBoth(&b, &c)
	lockBoth(&c, &d)
	lockBoth(&b, &d)
	lockBoth(&d, &a) // closes a->b->c->d->a and a->b->d->a
	rs := r.expect(t, syncx.LockOrderCycle)
	if len(rs) == 1 {
		checkCycle(t, rs[0], &d, &a, &b)
	}
}

type account struct {
	mu      syncx.Mutex
	id      int
	balance int
}

// transfer locks from, then to: the textbook deadlock when two transfers
// run in opposite directions.
func transfer(from, to *account, amount int) {
	from.mu.Lock()
	defer from.mu.Unlock()
	to.mu.Lock()
	defer to.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

// orderedTransfer locks the account with the smaller id first.
func orderedTransfer(from, to *account, amount int) {
	first, second := from, to
	if second.id < first.id {
		first, second = second, first
	}
	first.mu.Lock()
	defer first.mu.Unlock()
	second.mu.Lock()
	defer second.mu.Unlock()
	from.balance -= amount
	to.balance += amount
}

func TestLockCheckBankTransfer(t *testing.T) {
	r := recordLockReports(t)
	accts := []*account{{id: 0, balance: 100}, {id: 1, balance: 100}, {id: 2, balance: 100}}
	for i := range 3 {
		inGoroutine(func() { orderedTransfer(accts[i], accts[(i+1)%3], 10) })
	}
	r.expect(t)
	accts = []*account{{id: 0, balance: 100}, {id: 1, balance: 100}, {id: 2, balance: 100}}
	inGoroutine(func() { transfer(accts[0], accts[1], 10) })
	inGoroutine(func() { transfer(accts[1], accts[2], 10) })
	r.expect(t)
	inGoroutine(func() { transfer(accts[2], accts[0], 10) })
	rs := r.expect(t, syncx.LockOrderCycle)
	if len(rs) == 1 {
		checkCycle(t, rs[0], &accts[2].mu, &accts[0].mu, &accts[1].mu)
	}
}

// TestLockCheckDiningPhilosophers: each philosopher takes the left fork,
// then the right one. They eat one after the other here, so nothing
// deadlocks, but the order of the last one closes a cycle of five forks.
// Taking the lower-numbered fork first (the classic fix) is not reported.
func TestLockCheckDiningPhilosophers(t *testing.T) {
	const n = 5
	for _, fixed := range []bool{false, true} {
		r := recordLockReports(t)
		forks := make([]syncx.Mutex, n)
		for i := range n {
			inGoroutine(func() {
				left, right := i, (i+1)%n
				if fixed && right < left {
					left, right = right, left
				}
				lockBoth(&forks[left], &forks[right])
			})
		}
		if fixed {
			r.expect(t)
			continue
		}
		rs := r.expect(t, syncx.LockOrderCycle)
		if len(rs) == 1 {
			checkCycle(t, rs[0], &forks[4], &forks[0], &forks[1], &forks[2], &forks[3])
		}
	}
}

// TestLockCheckRecursiveLock: Lock and LockContext of a Mutex the goroutine
// holds are reported before they block. The test's ctx ends the wait (with
// the tag, the handler cancels it; without, fake time runs out).
func TestLockCheckRecursiveLock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := recordLockReports(t)
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		r.on = func(*syncx.LockReport) { cancel() }
		var m syncx.Mutex
		m.Lock()
		if err := m.LockContext(ctx); err == nil {
			t.Fatal("LockContext of a held Mutex succeeded")
		}
		rs := r.expect(t, syncx.RecursiveLock)
		if len(rs) == 1 {
			if rs[0].Locks[0] != &m || rs[0].Edges[0].HeldAt.Line == 0 || rs[0].Edges[0].At.Line <= rs[0].Edges[0].HeldAt.Line {
				t.Errorf("report does not show both acquisitions:\n%v", rs[0])
			}
		}
		m.Unlock()
		m.Lock() // reused after the failed wait: nothing to report
		m.Unlock()
		r.expect(t, syncx.RecursiveLock)
	})
}

// TestLockCheckRecursiveRLock: a goroutine that holds a read lock and takes
// it again while a writer is queued deadlocks under WriterPreferring and Fair
// (the writer holds back the new reader and waits for the old one), never
// under ReaderPreferring. It is reported under the first two even when no
// writer is queued, since one may queue.
func TestLockCheckRecursiveRLock(t *testing.T) {
	for _, p := range rwPolicies {
		deadlocks := p != syncx.ReaderPreferring
		var want []syncx.LockReportKind
		if deadlocks {
			want = []syncx.LockReportKind{syncx.RecursiveLock}
		}
		t.Run(p.String()+"/QueuedWriter", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := recordLockReports(t)
				ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
				defer cancel()
				r.on = func(*syncx.LockReport) { cancel() }
				rw := syncx.NewRWMutex(p)
				rw.RLock()
				writer := make(chan struct{})
				go func() {
					rw.Lock()
					rw.Unlock()
					close(writer)
				}()
				synctest.Wait() // the writer is queued
				err := rw.RLockContext(ctx)
				if deadlocks != (err != nil) {
					t.Fatalf("second RLock: %v", err)
				}
				r.expect(t, want...)
				if err == nil {
					rw.RUnlock()
				}
				rw.RUnlock()
				<-writer
			})
		})
		t.Run(p.String()+"/NoWriter", func(t *testing.T) {
			r := recordLockReports(t)
			rw := syncx.NewRWMutex(p)
			rw.RLock()
			rw.RLock()
			rw.RUnlock()
			rw.RUnlock()
			r.expect(t, want...)
		})
	}
}

// TestLockCheckRecursiveWriteOfRead: Lock while holding the read lock, and
// RLock while holding the write lock, block on themselves under every policy.
func TestLockCheckRecursiveWriteOfRead(t *testing.T) {
	for _, p := range rwPolicies {
		t.Run(p.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := recordLockReports(t)
				rw := syncx.NewRWMutex(p)
				ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
				defer cancel()
				rw.RLock()
				if rw.LockContext(ctx) == nil {
					t.Fatal("Lock while holding the read lock succeeded")
				}
				rw.RUnlock()
				rw.Lock()
				ctx2, cancel2 := context.WithTimeout(context.Background(), time.Hour)
				defer cancel2()
				if rw.RLockContext(ctx2) == nil {
					t.Fatal("RLock while holding the write lock succeeded")
				}
				rw.Unlock()
				r.expect(t, syncx.RecursiveLock, syncx.RecursiveLock)
			})
		})
	}
}

// TestLockCheckReadOrder: read locks count in the order where they can
// deadlock. A reader-preferring lock held for reading never holds back
// another reader, so an inversion through two read acquisitions of it is no
// cycle; under WriterPreferring it is.
func TestLockCheckReadOrder(t *testing.T) {
	for _, p := range rwPolicies {
		t.Run(p.String(), func(t *testing.T) {
			r := recordLockReports(t)
			rw := syncx.NewRWMutex(p)
			var m syncx.Mutex
			inGoroutine(func() { lockBoth(rw.RLocker(), &m) })
			inGoroutine(func() { lockBoth(&m, rw.RLocker()) })
			if p == syncx.ReaderPreferring {
				r.expect(t)
			} else {
				r.expect(t, syncx.LockOrderCycle)
			}
			// A write acquisition conflicts with readers under every policy.
			r2 := recordLockReports(t)
			inGoroutine(func() { lockBoth(&m, rw) })
			r2.expect(t, syncx.LockOrderCycle)
		})
	}
}

// TestLockCheckCondWait: Cond.Wait re-locks L while the waiter still holds M,
// which it took after L: the re-lock is the order M->L against L->M.
func TestLockCheckCondWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := recordLockReports(t)
		var l, m syncx.Mutex
		c := syncx.NewCond(&l)
		done := make(chan struct{})
		go func() {
			defer close(done)
			l.Lock()
			m.Lock()
			if err := c.Wait(context.Background()); err != nil {
				t.Error(err)
			}
			m.Unlock()
			l.Unlock()
		}()
		synctest.Wait()
		r.expect(t)
		c.Signal()
		<-done
		rs := r.expect(t, syncx.LockOrderCycle)
		if len(rs) == 1 {
			checkCycle(t, rs[0], &m, &l)
		}
	})
}

// liveDeadlock makes n goroutines each hold lock i and then wait for lock
// i+1 (mod n) with a context. Once all are blocked, it cancels the contexts
// and joins the goroutines.
func liveDeadlock(t *testing.T, n int) []*syncx.LockReport {
	var rs []*syncx.LockReport
	synctest.Test(t, func(t *testing.T) {
		r := recordLockReports(t)
		locks := make([]syncx.Mutex, n)
		ctx, cancel := context.WithCancel(context.Background())
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				locks[i].Lock()
				defer locks[i].Unlock()
				<-start
				if err := locks[(i+1)%n].LockContext(ctx); !errors.Is(err, context.Canceled) {
					t.Errorf("goroutine %d: LockContext = %v, want Canceled", i, err)
				}
			})
		}
		synctest.Wait()
		close(start)
		synctest.Wait() // all blocked in the cycle
		rs = r.get()
		cancel()
		wg.Wait()
		// The first goroutines to wait record the order; the last one to
		// block closes both cycles (with the order one first).
		r.expect(t, syncx.LockOrderCycle, syncx.DeadlockCycle)
		if syncx.LockCheckEnabled() {
			want := make([]any, n)
			for i := range n {
				want[i] = &locks[i]
			}
			checkCycle(t, rs[1], want...)
			checkCycle(t, rs[0], want...)
			if len(rs[1].Goroutines) != n {
				t.Fatalf("%d goroutine stacks, want %d:\n%v", len(rs[1].Goroutines), n, rs[1])
			}
			for i, g := range rs[1].Goroutines {
				if g.ID != rs[1].Edges[i].Goroutine || !strings.Contains(g.Stack, "liveDeadlock") {
					t.Fatalf("goroutine %d: stack of %d does not show the wait:\n%s", i, g.ID, g.Stack)
				}
			}
		}
	})
	return rs
}

func TestLockCheckLiveDeadlockTwo(t *testing.T)  { liveDeadlock(t, 2) }
func TestLockCheckLiveDeadlockFive(t *testing.T) { liveDeadlock(t, 5) }

// TestLockCheckNotReported: programs that cannot deadlock.
func TestLockCheckNotReported(t *testing.T) {
	t.Run("ConsistentOrder", func(t *testing.T) {
		r := recordLockReports(t)
		var a, b, c syncx.Mutex
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 50 {
					lockBoth(&a, &b)
					lockBoth(&b, &c)
					a.Lock()
					b.Lock()
					c.Lock()
					c.Unlock()
					b.Unlock()
					a.Unlock()
				}
			})
		}
		wg.Wait()
		r.expect(t)
	})
	t.Run("HandOverHand", func(t *testing.T) {
		r := recordLockReports(t)
		chain := make([]syncx.Mutex, 6)
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				chain[0].Lock()
				for i := 1; i < len(chain); i++ {
					chain[i].Lock()
					chain[i-1].Unlock()
				}
				chain[len(chain)-1].Unlock()
			})
		}
		wg.Wait()
		r.expect(t)
	})
	t.Run("SameLockSequentially", func(t *testing.T) {
		r := recordLockReports(t)
		var a syncx.Mutex
		rw := syncx.NewRWMutex(syncx.Fair)
		for range 3 {
			inGoroutine(func() {
				a.Lock()
				a.Unlock()
				rw.RLock()
				rw.RUnlock()
				rw.Lock()
				rw.Unlock()
			})
		}
		r.expect(t)
	})
	t.Run("TryLockCannotBlock", func(t *testing.T) {
		r := recordLockReports(t)
		var a, b syncx.Mutex
		lockBoth(&a, &b)
		b.Lock()
		if !a.TryLock() { // b->a, but it cannot block
			t.Fatal("TryLock failed")
		}
		a.Unlock()
		b.Unlock()
		r.expect(t)
		// A lock taken while a TryLock is held records the order from it.
		var c syncx.Mutex
		if !c.TryLock() {
			t.Fatal("TryLock failed")
		}
		a.Lock() // c->a
		a.Unlock()
		c.Unlock()
		lockBoth(&a, &c)
		r.expect(t, syncx.LockOrderCycle)
	})
	t.Run("UnlockByAnotherGoroutine", func(t *testing.T) {
		r := recordLockReports(t)
		var a, b syncx.Mutex
		a.Lock()
		inGoroutine(a.Unlock) // a is no longer held by this goroutine
		b.Lock()              // so this is no a->b
		b.Unlock()
		lockBoth(&b, &a)
		r.expect(t)
	})
}

// TestLockCheckHandlerPanics: a handler that panics, or exits its goroutine
// as t.Fatal does, leaves the checker and the locks usable.
func TestLockCheckHandlerPanics(t *testing.T) {
	boom := errors.New("handler panicked")
	restorePanic := syncx.OnLockReport(func(*syncx.LockReport) { panic(boom) })
	var a, b syncx.Mutex
	lockBoth(&a, &b)
	func() {
		defer func() {
			if v := recover(); syncx.LockCheckEnabled() != (v == boom) {
				t.Fatalf("recovered %v", v)
			}
		}()
		b.Lock()
		defer b.Unlock()
		a.Lock() // reported: the handler panics before a is taken
		a.Unlock()
	}()
	// Nothing was left held.
	if !a.TryLock() || !b.TryLock() {
		t.Fatal("a lock was left held")
	}
	a.Unlock()
	b.Unlock()

	// A handler that exits its goroutine, as t.Fatal does.
	restoreExit := syncx.OnLockReport(func(*syncx.LockReport) { runtime.Goexit() })
	var c, d syncx.Mutex
	lockBoth(&c, &d)
	reached := false
	inGoroutine(func() {
		d.Lock()
		defer d.Unlock()
		c.Lock() // reported: the handler exits the goroutine
		c.Unlock()
		reached = true
	})
	if reached == syncx.LockCheckEnabled() {
		t.Fatalf("handler exited the goroutine: %v", !reached)
	}
	if !c.TryLock() || !d.TryLock() {
		t.Fatal("a lock was left held")
	}
	c.Unlock()
	d.Unlock()
	restoreExit()
	restorePanic()

	// The checker still reports, to a well-behaved handler; and a new
	// handler hears again of a problem reported to an earlier one.
	r := recordLockReports(t)
	var e, f syncx.Mutex
	lockBoth(&e, &f)
	lockBoth(&f, &e)
	lockBoth(&b, &a)
	r.expect(t, syncx.LockOrderCycle, syncx.LockOrderCycle)
}

// TestLockCheckHandlerExitsDeadlockedGoroutine: a handler that exits the
// goroutine whose blocking closed a live cycle (as t.Fatal would) leaves no
// wait behind: the goroutine's deferred Unlock lets the other one through,
// and the next deadlock is found as before.
func TestLockCheckHandlerExitsDeadlockedGoroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		restore := syncx.OnLockReport(func(lr *syncx.LockReport) {
			if lr.Kind == syncx.DeadlockCycle {
				runtime.Goexit()
			}
		})
		defer restore()
		var a, b syncx.Mutex
		ctx, cancel := context.WithCancel(context.Background())
		start := make(chan struct{})
		var finished sync.WaitGroup
		var wg sync.WaitGroup
		finished.Add(2)
		for _, l := range [][2]*syncx.Mutex{{&a, &b}, {&b, &a}} {
			wg.Go(func() {
				defer finished.Done()
				l[0].Lock()
				defer l[0].Unlock()
				<-start
				if l[1].LockContext(ctx) == nil {
					l[1].Unlock()
				}
			})
		}
		synctest.Wait()
		close(start)
		synctest.Wait()
		if syncx.LockCheckEnabled() {
			finished.Wait() // one exited in the handler, the other got its lock
		}
		cancel()
		wg.Wait()
	})
	liveDeadlock(t, 2)
}

// TestLockCheckLongWait: with a limit set, a wait longer than it is reported
// with the stacks of the waiter and the holder; a shorter one is not.
func TestLockCheckLongWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := recordLockReports(t)
		syncx.SetLockWaitLimit(time.Second)
		defer syncx.SetLockWaitLimit(0)
		var m syncx.Mutex
		wait := func() {
			done := make(chan struct{})
			go func() {
				m.Lock()
				m.Unlock()
				close(done)
			}()
			synctest.Wait()
			time.Sleep(1500 * time.Millisecond)
			synctest.Wait()
			m.Unlock()
			<-done
		}
		m.Lock()
		time.Sleep(time.Hour) // held long, but nobody waits: nothing to report
		wait()
		rs := r.expect(t, syncx.LongWait)
		if len(rs) == 1 {
			lr := rs[0]
			if lr.Locks[0] != &m || lr.Waited < time.Second || len(lr.Goroutines) != 2 ||
				!strings.Contains(lr.Goroutines[1].Stack, "TestLockCheckLongWait") ||
				!strings.Contains(lr.Edges[0].HeldAt.Function, "TestLockCheckLongWait") {
				t.Fatalf("report lacks the wait, the holder or its stack:\n%v", lr)
			}
		}
		syncx.SetLockWaitLimit(time.Hour)
		m.Lock()
		wait()
		r.expect(t, syncx.LongWait)
	})
}

// TestLockCheckLiveDeadlockThroughQueuedWriter: g1 holds rw for reading and
// waits for m; g2 holds m and waits to read rw, which a writer queued in
// between holds back under WriterPreferring; the writer waits for g1. The
// live cycle has three goroutines, one of which holds no lock. Under
// ReaderPreferring g2 reads at once and nothing deadlocks.
func TestLockCheckLiveDeadlockThroughQueuedWriter(t *testing.T) {
	for _, p := range []syncx.Policy{syncx.WriterPreferring, syncx.ReaderPreferring} {
		t.Run(p.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := recordLockReports(t)
				rw := syncx.NewRWMutex(p)
				var m syncx.Mutex
				ctx, cancel := context.WithCancel(context.Background())
				var wg sync.WaitGroup
				step1, step2 := make(chan struct{}), make(chan struct{})
				wg.Go(func() { // g1
					rw.RLock()
					defer rw.RUnlock()
					<-step1
					if m.LockContext(ctx) == nil {
						m.Unlock()
					}
				})
				wg.Go(func() { // g2
					m.Lock()
					defer m.Unlock()
					<-step2
					if rw.RLockContext(ctx) == nil {
						rw.RUnlock()
					}
				})
				synctest.Wait()
				wg.Go(func() { // the writer, queued behind g1's read lock
					if rw.LockContext(ctx) == nil {
						rw.Unlock()
					}
				})
				synctest.Wait()
				close(step2) // g2 reads (ReaderPreferring) or waits behind the writer
				synctest.Wait()
				close(step1) // g1 waits for m, held by g2 (WriterPreferring)
				synctest.Wait()
				cancel()
				wg.Wait()
				if p == syncx.ReaderPreferring {
					r.expect(t)
					return
				}
				rs := r.expect(t, syncx.LockOrderCycle, syncx.DeadlockCycle)
				if len(rs) == 2 && len(rs[1].Goroutines) != 3 {
					t.Fatalf("live cycle of %d goroutines, want 3:\n%v", len(rs[1].Goroutines), rs[1])
				}
			})
		})
	}
}

// TestLockCheckDefaultHandler: the default handler prints the report to
// standard error and panics with the *LockReport, before the acquisition.
func TestLockCheckDefaultHandler(t *testing.T) {
	restore := syncx.OnLockReport(nil)
	defer restore()
	stderr := os.Stderr
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	os.Stderr = f
	defer func() { os.Stderr = stderr }()

	var a, b syncx.Mutex
	lockBoth(&a, &b)
	var got any
	func() {
		defer func() { got = recover() }()
		b.Lock()
		defer b.Unlock()
		a.Lock()
		a.Unlock()
	}()
	os.Stderr = stderr
	printed, _ := os.ReadFile(f.Name())
	if !syncx.LockCheckEnabled() {
		if got != nil || len(printed) > 0 {
			t.Fatalf("without the tag: panic %v, printed %q", got, printed)
		}
		return
	}
	lr, ok := got.(*syncx.LockReport)
	if !ok || lr.Kind != syncx.LockOrderCycle {
		t.Fatalf("default handler panicked with %#v, want a *LockReport of a LockOrderCycle", got)
	}
	if !strings.Contains(string(printed), lr.String()) {
		t.Fatalf("stderr has %q, want the report", printed)
	}
	if !a.TryLock() {
		t.Fatal("the reported acquisition took the lock")
	}
	a.Unlock()
}

// TestLockCheckStressConsistentOrder: many goroutines take random subsets of
// Mutexes and RWMutexes of every policy, always in one global order, in
// random modes, with Lock, LockContext (sometimes with a ctx that is done),
// TryLock, and now and then an unlock by another goroutine. Nothing of it can
// deadlock, so nothing may be reported, however the waits interleave.
func TestLockCheckStressConsistentOrder(t *testing.T) {
	r := recordLockReports(t)
	type lock struct {
		m  *syncx.Mutex
		rw *syncx.RWMutex
	}
	var locks []lock
	for i := range 6 {
		if i%2 == 0 {
			locks = append(locks, lock{m: new(syncx.Mutex)})
		} else {
			locks = append(locks, lock{rw: syncx.NewRWMutex(syncx.Policy(i / 2 % 3))})
		}
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			rng := uint64(g)*0x9E3779B97F4A7C15 + 1
			next := func(n int) int {
				rng ^= rng << 13
				rng ^= rng >> 7
				rng ^= rng << 17
				return int(rng % uint64(n))
			}
			for range 200 {
				var unlocks []func()
				for _, l := range locks {
					if next(2) == 0 {
						continue
					}
					read := l.rw != nil && next(2) == 0
					var ok bool
					switch next(4) {
					case 0: // try
						switch {
						case l.m != nil:
							ok = l.m.TryLock()
						case read:
							ok = l.rw.TryRLock()
						default:
							ok = l.rw.TryLock()
						}
					case 1: // ctx already done: fails, records nothing
						switch {
						case l.m != nil:
							ok = l.m.LockContext(done) == nil
						case read:
							ok = l.rw.RLockContext(done) == nil
						default:
							ok = l.rw.LockContext(done) == nil
						}
					default:
						switch {
						case l.m != nil:
							l.m.Lock()
						case read:
							l.rw.RLock()
						default:
							l.rw.Lock()
						}
						ok = true
					}
					if !ok {
						continue
					}
					switch {
					case l.m != nil:
						unlocks = append(unlocks, l.m.Unlock)
					case read:
						unlocks = append(unlocks, l.rw.RUnlock)
					default:
						unlocks = append(unlocks, l.rw.Unlock)
					}
				}
				for i := len(unlocks) - 1; i >= 0; i-- {
					if next(8) == 0 {
						inGoroutine(unlocks[i]) // unlocked by another goroutine
					} else {
						unlocks[i]()
					}
				}
			}
		})
	}
	wg.Wait()
	r.expect(t)
}

// ignoreLockReports is for tests that lock recursively or in a cycle on
// purpose (to test a timeout or a cancellation): with the checker compiled
// in, they run with a handler that ignores its reports.
func ignoreLockReports(t *testing.T) {
	t.Cleanup(syncx.OnLockReport(func(*syncx.LockReport) {}))
}
