package benchmarks

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/concurkit/concur/syncx"
	"github.com/sasha-s/go-deadlock"
)

// The deadlock scenarios of syncx's lock checker, run against concur (with
// -tags concur_lockcheck) and against github.com/sasha-s/go-deadlock. Each
// scenario is written once over sync.Locker / rwLocker, and a run that
// really deadlocks is broken by unlocking its locks from the test goroutine
// (both tools allow an unlock by another goroutine), so nothing leaks.
//
//	go test -tags concur_lockcheck -run TestDeadlockFinders -v .
//
// prints the table that BENCHMARKS.md quotes.

type rwLocker interface {
	sync.Locker
	RLock()
	RUnlock()
	TryRLock() bool
}

type finder struct {
	name  string
	mutex func() sync.Locker
	rw    func() rwLocker
}

var finders = []finder{
	{"concur", func() sync.Locker { return new(syncx.Mutex) }, func() rwLocker { return new(syncx.RWMutex) }},
	{"go-deadlock", func() sync.Locker { return new(deadlock.Mutex) }, func() rwLocker { return new(deadlock.RWMutex) }},
}

// findings collects what either tool reported, with the time since the
// scenario marked its start.
var findings struct {
	mu    sync.Mutex
	start time.Time
	tool  string // the tool whose run is under way
	list  []string
	found chan struct{} // receives (without blocking) on every finding
}

func found(tool, kind string) {
	findings.mu.Lock()
	if tool == findings.tool { // not a late timer of the other tool's run
		findings.list = append(findings.list, fmt.Sprintf("%s after %v", kind, time.Since(findings.start).Round(10*time.Millisecond)))
	}
	findings.mu.Unlock()
	select {
	case findings.found <- struct{}{}:
	default:
	}
}

func markStart() {
	findings.mu.Lock()
	findings.start = time.Now()
	findings.mu.Unlock()
}

// awaitFinding waits for a finding for up to d (go-deadlock's timeout
// reports come from its timers), so that a run that deadlocks is broken only
// after the tools had their chance.
func awaitFinding(d time.Duration) {
	select {
	case <-findings.found:
	case <-time.After(d):
	}
}

// deadlockLog classifies what go-deadlock writes before it calls
// OnPotentialDeadlock.
type deadlockLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *deadlockLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *deadlockLog) kind() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.buf.String()
	l.buf.Reset()
	switch {
	case strings.Contains(s, "Recursive locking"):
		return "recursive"
	case strings.Contains(s, "Inconsistent locking"):
		return "order"
	case strings.Contains(s, "Have been trying to lock it again"):
		return "timeout"
	}
	return "unknown"
}

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

const (
	// deadlockTimeout is go-deadlock's wait limit in these runs (its
	// default is 30 s).
	deadlockTimeout = 300 * time.Millisecond
	// patience is how long a scenario that really blocks waits for a report
	// before it breaks the deadlock itself.
	patience = 3 * deadlockTimeout
)

// liveCycle makes n goroutines hold lock i and wait for lock i+1 (mod n).
func liveCycle(f finder, n int) {
	locks := make([]sync.Locker, n)
	for i := range locks {
		locks[i] = f.mutex()
	}
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Go(func() {
			locks[i].Lock() // released by the test goroutine below
			ready.Done()
			<-start
			locks[(i+1)%n].Lock()
			locks[(i+1)%n].Unlock()
		})
	}
	ready.Wait()
	markStart()
	close(start)
	awaitFinding(patience)
	awaitFinding(patience) // concur reports the order, then the live cycle
	for _, l := range locks {
		l.Unlock()
	}
	done.Wait()
}

var scenarios = []struct {
	name string
	run  func(f finder)
}{
	{"AB/BA, two goroutines one after the other", func(f finder) {
		a, b := f.mutex(), f.mutex()
		inGoroutine(func() { lockBoth(a, b) })
		inGoroutine(func() { lockBoth(b, a) })
	}},
	{"A->B, B->C, C->A, three goroutines one after the other", func(f finder) {
		a, b, c := f.mutex(), f.mutex(), f.mutex()
		inGoroutine(func() { lockBoth(a, b) })
		inGoroutine(func() { lockBoth(b, c) })
		inGoroutine(func() { lockBoth(c, a) })
	}},
	{"bank: transfers a->b, b->c, c->a (lock payer, then payee)", func(f finder) {
		acct := []sync.Locker{f.mutex(), f.mutex(), f.mutex()}
		for i := range acct {
			inGoroutine(func() { lockBoth(acct[i], acct[(i+1)%3]) })
		}
	}},
	{"dining philosophers, 5, eating one after the other", func(f finder) {
		forks := make([]sync.Locker, 5)
		for i := range forks {
			forks[i] = f.mutex()
		}
		for i := range forks {
			inGoroutine(func() { lockBoth(forks[i], forks[(i+1)%5]) })
		}
	}},
	{"recursive Lock (blocks)", func(f finder) {
		m := f.mutex()
		held := make(chan struct{})
		var done sync.WaitGroup
		done.Go(func() {
			m.Lock() // released by the test goroutine below
			close(held)
			m.Lock()
			m.Unlock()
		})
		<-held
		markStart()
		awaitFinding(patience)
		m.Unlock()
		done.Wait()
	}},
	{"recursive RLock, writer queued (WriterPreferring; blocks)", func(f finder) {
		rw := f.rw()
		held, queued := make(chan struct{}), make(chan struct{})
		var done sync.WaitGroup
		done.Go(func() {
			rw.RLock() // released by the test goroutine below
			close(held)
			<-queued
			rw.RLock()
			rw.RUnlock()
		})
		<-held
		done.Go(func() {
			rw.Lock()
			rw.Unlock()
		})
		// Give the writer time to queue. (Polling with TryRLock would be
		// deterministic, but go-deadlock's RUnlock then forgets the other
		// goroutine's read lock too, which changes its result.)
		time.Sleep(50 * time.Millisecond)
		markStart()
		close(queued)
		awaitFinding(patience)
		rw.RUnlock()
		done.Wait()
	}},
	{"recursive RLock, no writer (WriterPreferring)", func(f finder) {
		rw := f.rw()
		inGoroutine(func() {
			rw.RLock()
			rw.RLock()
			rw.RUnlock()
			rw.RUnlock()
		})
	}},
	{"Cond.Wait re-locks L while holding M (L->M, then M->L)", func(f finder) {
		l, m := f.mutex(), f.mutex()
		c := sync.NewCond(l)
		var done sync.WaitGroup
		waiting := make(chan struct{})
		done.Go(func() {
			l.Lock()
			m.Lock()
			close(waiting)
			c.Wait()
			m.Unlock()
			l.Unlock()
		})
		<-waiting
		l.Lock() // succeeds once the waiter is in Wait
		c.Signal()
		l.Unlock()
		done.Wait()
	}},
	{"live deadlock, 2 goroutines", func(f finder) { liveCycle(f, 2) }},
	{"live deadlock, 5 goroutines", func(f finder) { liveCycle(f, 5) }},
	{"not a deadlock: consistent order, 4 goroutines", func(f finder) {
		a, b, c := f.mutex(), f.mutex(), f.mutex()
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 100 {
					lockBoth(a, b)
					lockBoth(b, c)
					lockBoth(a, c)
				}
			})
		}
		wg.Wait()
	}},
	{"not a deadlock: hand-over-hand in one order", func(f finder) {
		chain := make([]sync.Locker, 6)
		for i := range chain {
			chain[i] = f.mutex()
		}
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
	}},
	{"not a deadlock: one lock reused", func(f finder) {
		a := f.mutex()
		for range 3 {
			inGoroutine(func() {
				a.Lock()
				a.Unlock()
			})
		}
	}},
}

// TestDeadlockFinders runs every scenario with both tools and logs a table
// of what each reported and when.
func TestDeadlockFinders(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for go-deadlock's timeouts")
	}
	log := &deadlockLog{}
	saved := deadlock.Opts
	deadlock.Opts.LogBuf = log
	deadlock.Opts.DeadlockTimeout = deadlockTimeout
	// go-deadlock calls this with its own lock held: it must not block or
	// panic.
	deadlock.Opts.OnPotentialDeadlock = func() { found("go-deadlock", log.kind()) }
	defer func() {
		deadlock.Opts.LogBuf = saved.LogBuf
		deadlock.Opts.DeadlockTimeout = saved.DeadlockTimeout
		deadlock.Opts.OnPotentialDeadlock = saved.OnPotentialDeadlock
	}()
	findings.found = make(chan struct{}, 16)

	var table strings.Builder
	table.WriteString("| scenario | concur")
	if !syncx.LockCheckEnabled() {
		table.WriteString(" (built without the tag)")
	}
	table.WriteString(" | go-deadlock |\n|---|---|---|\n")
	for _, s := range scenarios {
		table.WriteString("| " + s.name)
		for _, f := range finders {
			// A fresh handler per run, so that concur's memory of reported
			// call sites (lockBoth is shared) starts empty.
			restore := syncx.OnLockReport(func(r *syncx.LockReport) { found("concur", r.Kind.String()) })
			findings.mu.Lock()
			findings.list = nil
			findings.start = time.Now()
			findings.tool = f.name
			findings.mu.Unlock()
			for len(findings.found) > 0 {
				<-findings.found
			}
			s.run(f)
			restore()
			findings.mu.Lock()
			got := strings.Join(findings.list, "; ")
			findings.mu.Unlock()
			if got == "" {
				got = "nothing"
			}
			table.WriteString(" | " + got)
		}
		table.WriteString(" |\n")
	}
	t.Log("\n" + table.String())
}
