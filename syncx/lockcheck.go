package syncx

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// This file holds the part of the lock checker that exists in every build:
// the report types, the handler and the deduplication of reports. The
// checking itself is in lockcheck_on.go (build tag concur_lockcheck); without
// the tag, lockcheck_off.go supplies empty hooks and nothing is ever
// reported.

// A LockReportKind says which problem a LockReport describes.
type LockReportKind int

const (
	// LockOrderCycle: the locks can be acquired in an order that forms a
	// cycle, so goroutines taking them concurrently can deadlock, even if
	// they did not this time. Reported when the edge that closes the cycle
	// is first taken, before the acquisition blocks.
	LockOrderCycle LockReportKind = iota + 1

	// RecursiveLock: a goroutine acquires a lock it already holds in a way
	// that can block on itself (see "Finding deadlocks" in the package doc).
	// Reported before the acquisition blocks.
	RecursiveLock

	// DeadlockCycle: goroutines are blocked right now, each waiting for a
	// lock that another one of them holds. Reported when the last of them
	// is about to block.
	DeadlockCycle

	// LongWait: a goroutine has waited for a lock longer than the limit set
	// with SetLockWaitLimit.
	LongWait
)

// String returns the name of the kind.
func (k LockReportKind) String() string {
	switch k {
	case LockOrderCycle:
		return "LockOrderCycle"
	case RecursiveLock:
		return "RecursiveLock"
	case DeadlockCycle:
		return "DeadlockCycle"
	case LongWait:
		return "LongWait"
	}
	return fmt.Sprintf("LockReportKind(%d)", int(k))
}

// A LockReport describes one problem found by the lock checker.
type LockReport struct {
	Kind LockReportKind

	// Locks are the locks involved, each a *Mutex or *RWMutex, in cycle
	// order: Edges[i] leads from Locks[i] to Locks[(i+1)%len(Locks)]. For
	// RecursiveLock and LongWait it holds the one lock.
	Locks []any

	// Edges are the steps of the cycle. For LockOrderCycle, each is where
	// the order was first established; Edges[0] is the edge whose
	// acquisition closed the cycle. For DeadlockCycle, Edges[i] is the
	// goroutine that holds Locks[i] and waits for Locks[i+1]. For
	// RecursiveLock, the one edge leads from the lock to itself: where it was
	// first acquired and where it is acquired again. For LongWait, the one
	// edge is the waiter's: HeldAt is where a holder acquired the lock and
	// At where the waiter waits.
	Edges []LockEdge

	// Goroutines are, for DeadlockCycle, every goroutine of the cycle and,
	// for LongWait, the waiter followed by the holders, with their stacks at
	// the time of the report.
	Goroutines []LockGoroutine

	// Waited is, for LongWait, how long the waiter had waited.
	Waited time.Duration
}

// A LockEdge is one step of a cycle: goroutine Goroutine held From, acquired
// at HeldAt, when it acquired (or waited for) To at At.
type LockEdge struct {
	From, To         any  // a *Mutex or *RWMutex each
	FromRead, ToRead bool // held, and acquired, for reading (RWMutex only)
	Goroutine        int64
	HeldAt, At       LockSite
}

// A LockSite is where a lock was acquired: the first caller outside syncx,
// and the stack of the acquisition.
type LockSite struct {
	Function string
	File     string
	Line     int
	Stack    string // one "function\n\tfile:line" pair per frame
}

// String returns "function file:line", or "unknown" for a zero LockSite.
func (s LockSite) String() string {
	if s.File == "" {
		return "unknown"
	}
	return fmt.Sprintf("%s %s:%d", s.Function, s.File, s.Line)
}

// A LockGoroutine is a goroutine involved in a report, with its stack.
type LockGoroutine struct {
	ID    int64
	Stack string
}

// String formats the report for a person: the kind, the locks in cycle
// order, and for every edge the goroutine, function and file:line where it
// was established; then the goroutines' stacks, if any.
func (r *LockReport) String() string {
	var b strings.Builder
	switch r.Kind {
	case LockOrderCycle:
		fmt.Fprintf(&b, "syncx: lock order cycle of %d locks: goroutines acquiring them concurrently can deadlock\n", len(r.Locks))
	case RecursiveLock:
		b.WriteString("syncx: recursive locking: a goroutine acquires a lock it holds and can block on itself\n")
	case DeadlockCycle:
		fmt.Fprintf(&b, "syncx: deadlock: %d goroutines wait for each other's locks\n", len(r.Goroutines))
	case LongWait:
		fmt.Fprintf(&b, "syncx: long wait: a goroutine has waited %v for a lock\n", r.Waited)
	default:
		fmt.Fprintf(&b, "syncx: %v\n", r.Kind)
	}
	names := make([]string, len(r.Locks))
	for i, l := range r.Locks {
		names[i] = lockName(l)
	}
	if len(names) > 0 {
		fmt.Fprintf(&b, "locks: %s", strings.Join(names, " -> "))
		if r.Kind == LockOrderCycle || r.Kind == DeadlockCycle {
			fmt.Fprintf(&b, " -> %s", names[0])
		}
		b.WriteByte('\n')
	}
	for _, e := range r.Edges {
		verb := "acquired"
		if r.Kind == DeadlockCycle || r.Kind == LongWait {
			verb = "waits for"
		}
		fmt.Fprintf(&b, "goroutine %d holding %s%s (acquired at %v)\n\t%s %s%s at %v\n",
			e.Goroutine, lockName(e.From), modeSuffix(e.FromRead), e.HeldAt,
			verb, lockName(e.To), modeSuffix(e.ToRead), e.At)
	}
	for _, g := range r.Goroutines {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimRight(g.Stack, "\n"))
	}
	return b.String()
}

func modeSuffix(read bool) string {
	if read {
		return " for reading"
	}
	return ""
}

// lockName names a lock by the name given with SetName, else by type and
// address.
func lockName(l any) string {
	if n := lockcheckNameOf(l); n != "" {
		return fmt.Sprintf("%q (%T %p)", n, l, l)
	}
	return fmt.Sprintf("%T %p", l, l)
}

// SetName gives m a name that lock reports use. It has no effect without the
// build tag concur_lockcheck, and it never merges locks: two locks with one
// name are still checked apart.
func (m *Mutex) SetName(name string) { lockcheckSetName(m, name) }

// SetName gives rw a name that lock reports use. It has no effect without
// the build tag concur_lockcheck, and it never merges locks: two locks with
// one name are still checked apart.
func (rw *RWMutex) SetName(name string) { lockcheckSetName(rw, name) }

// lockWaitLimit is the LongWait limit in nanoseconds; 0 turns it off.
var lockWaitLimit atomic.Int64

// SetLockWaitLimit makes the lock checker report a goroutine that has waited
// for a Mutex or RWMutex longer than d, as a LongWait report with the stacks
// of the waiter and the holder. Zero or a negative d turns the report off,
// which is the default. It applies to waits that begin after the call and
// has no effect without the build tag concur_lockcheck.
func SetLockWaitLimit(d time.Duration) {
	lockWaitLimit.Store(max(int64(d), 0))
}

// lockReportGen counts the handlers installed, so that a problem found
// before can be reported again to a new handler.
var lockReportGen atomic.Uint64

// lockReports holds the handler and the memory of what was reported. Its
// mutex is never held while the handler runs.
var lockReports struct {
	mu      sync.Mutex
	handler func(*LockReport) // nil: the default handler
	seen    map[string]bool   // dedup keys of the reports delivered
}

// OnLockReport installs h as the handler of lock reports and returns a
// function that restores the previous handler. A nil h installs the default
// handler, which prints the report to standard error and panics with the
// *LockReport. Installing a handler, and restoring one, starts a fresh memory
// of what was reported, so that each problem reaches the new handler once.
//
// The handler runs in the goroutine whose acquisition (or, for
// DeadlockCycle, whose blocking) triggered the report, before that goroutine
// blocks, and for LongWait in a goroutine of its own. No lock of the checker
// is held while it runs: it may use syncx locks, panic, or call t.Fatal, and
// the checker stays usable. Without the build tag concur_lockcheck the
// handler is never called.
func OnLockReport(h func(*LockReport)) (restore func()) {
	lockReports.mu.Lock()
	prev := lockReports.handler
	lockReports.handler = h
	lockReports.seen = nil
	lockReportGen.Add(1)
	lockReports.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			lockReports.mu.Lock()
			lockReports.handler = prev
			lockReports.seen = nil
			lockReportGen.Add(1)
			lockReports.mu.Unlock()
		})
	}
}

// deliverLockReport runs the handler for r unless a report with the same
// key was delivered since the handler was installed.
func deliverLockReport(key string, r *LockReport) {
	lockReports.mu.Lock()
	if lockReports.seen[key] {
		lockReports.mu.Unlock()
		return
	}
	if lockReports.seen == nil {
		lockReports.seen = make(map[string]bool)
	}
	lockReports.seen[key] = true
	h := lockReports.handler
	lockReports.mu.Unlock()
	if h == nil {
		h = defaultLockReportHandler
	}
	h(r)
}

func defaultLockReportHandler(r *LockReport) {
	fmt.Fprintln(os.Stderr, r.String())
	panic(r)
}
