//go:build concur_lockcheck

package syncx

// The lock checker, compiled in with the build tag concur_lockcheck.
//
// # Hook points
//
// The lock code calls these hooks, and only these (without the tag they are
// empty, see lockcheck_off.go):
//
//   - lockcheckMutex(m) / lockcheckRW(rw, read): about to acquire, after a
//     LockContext's "ctx already done" check and before the first attempt.
//     Checks recursion and the lock order, and reports before anything can
//     block. Returns the token the following hooks take.
//   - lockcheckWait(t): the fast path failed and the goroutine is about to
//     wait (spin, queue, block). Registers the wait-for edge, reports a live
//     deadlock cycle, arms the LongWait timer.
//   - lockcheckHeld(t): the lock is held (fast path, after a wait, or in
//     LockContext/RLockContext).
//   - lockcheckFailed(t): a LockContext/RLockContext wait ended by its ctx
//     (lockSlow or rlockBackOff returned errCancelled); the lock is not held.
//     A lock that LockContext/RLockContext took after its ctx ended is
//     passed on through the public Unlock/RUnlock instead: held, then
//     unlocked, never held without a matching release.
//   - lockcheckTryMutex(m) / lockcheckTryRW(rw, read): a TryLock/TryRLock
//     succeeded. The lock is held; no order edge leads into it.
//   - lockcheckUnlockMutex(m) / lockcheckUnlockRW(rw, read): at the start of
//     Unlock/RUnlock, before the lock is released.
//
// Lock, LockContext, RLock and RLockContext branch on the constant
// lockcheckOn to the checked copies in lockcheck_paths.go, so that their
// inlinable fast paths stay exactly as they are without the tag. Internal
// retries (the spin of spin.go, RLock's back-off) must use the hook-free
// tryLock, tryRLock and runlock, never the public TryLock, TryRLock or
// RUnlock, or the checker would count them as acquisitions.
// Cond needs no hook: Wait unlocks and re-locks L through its public
// methods, so the re-lock is checked like any other acquisition.
//
// Because holds are recorded after the lock is taken and dropped before it
// is released, the checker's holders of a lock are always a subset of the
// real ones; so a wait-for cycle it finds among registered waiters is real.
//
// # Memory
//
// Locks are nodes of the graph by instance, found by address in a map; each
// node keeps a weak pointer to its lock (so that the graph never keeps a lock
// alive) and a runtime cleanup on the lock removes the node and every edge
// into or out of it when the lock is collected. A node whose weak pointer no
// longer yields the lock at its address is stale (the address was reused
// before the cleanup ran) and is replaced. The graph is therefore bounded by
// the locks alive, not by the locks ever created. The memory of delivered
// reports (lockcheck.go) is keyed by call sites, which the program text
// bounds.

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
	"weak"
)

const lockcheckOn = true

// LockCheckEnabled reports whether this binary was built with the tag
// concur_lockcheck, that is whether lock reports can happen.
func LockCheckEnabled() bool { return lockcheckOn }

// lockcheckToken is one acquisition: a wait while it waits, a hold once it
// holds. Its fields other than the bookkeeping ones are immutable.
type lockcheckToken = *lcAcq

type lcAcq struct {
	g    int64
	n    *lcNode
	read bool
	pcs  []uintptr // the acquisition's stack

	// Under lc.mu:
	recursive bool   // a RecursiveLock was found for this acquisition
	waiting   bool   // in n.waits
	outer     *lcAcq // the goroutine's wait that this one (made by a handler) interrupts
	since     time.Time
	timer     *time.Timer
}

type lcNode struct {
	addr   uintptr
	wm     weak.Pointer[Mutex]
	wrw    weak.Pointer[RWMutex]
	isRW   bool
	policy Policy

	// Under lc.mu:
	name  string
	out   map[lcEdgeKey]*lcEdge
	in    map[*lcNode]int // edges into this node, by their source
	holds []*lcAcq
	waits []*lcAcq
}

// lock returns the node's lock, or nil if it was collected.
func (n *lcNode) lock() any {
	if n.isRW {
		if p := n.wrw.Value(); p != nil {
			return p
		}
	} else if p := n.wm.Value(); p != nil {
		return p
	}
	return nil
}

type lcEdgeKey struct {
	to               *lcNode
	fromRead, toRead bool
}

// lcEdge records that goroutine g acquired to while holding from. Immutable.
type lcEdge struct {
	from, to         *lcNode
	fromRead, toRead bool
	g                int64
	heldPCs, atPCs   []uintptr
	queued           bool // DeadlockCycle only: g does not hold from, it is queued on it

	// Under lc.mu: the cycle this edge closed when it was recorded, and the
	// handler generation (lockReportGen) it was last reported to.
	cycle []*lcEdge
	gen   uint64
}

type lcG struct {
	held []*lcAcq
	wait *lcAcq
}

var lc struct {
	mu    sync.Mutex
	nodes map[uintptr]*lcNode
	gs    map[int64]*lcG
}

// blocks reports whether, on lock n, a goroutine waiting in mode wantRead
// can be held back by one holding it in mode heldRead. Readers hold back
// readers only through a writer queued between them, which the policy
// allows under WriterPreferring and Fair but not under ReaderPreferring.
func (n *lcNode) blocks(heldRead, wantRead bool) bool {
	if !n.isRW || !heldRead || !wantRead {
		return true
	}
	return n.policy != ReaderPreferring
}

func lcGoid() int64 {
	var buf [40]byte
	s := buf[:runtime.Stack(buf[:], false)]
	s = bytes.TrimPrefix(s, []byte("goroutine "))
	var id int64
	for _, c := range s {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + int64(c-'0')
	}
	return id
}

func lcCallers() []uintptr {
	var pcs [16]uintptr
	n := runtime.Callers(3, pcs[:])
	return append([]uintptr(nil), pcs[:n]...)
}

// lcNodeOf returns l's node, creating it if create is set; lc.mu held.
func lcNodeOf(l any, create bool) *lcNode {
	var addr uintptr
	switch l := l.(type) {
	case *Mutex:
		addr = uintptr(unsafe.Pointer(l))
		if n := lc.nodes[addr]; n != nil && !n.isRW && n.wm.Value() == l {
			return n
		}
	case *RWMutex:
		addr = uintptr(unsafe.Pointer(l))
		if n := lc.nodes[addr]; n != nil && n.isRW && n.wrw.Value() == l {
			return n
		}
	default:
		return nil
	}
	if old := lc.nodes[addr]; old != nil {
		lcRemoveNode(old) // stale: its lock was collected and the address reused
	}
	if !create {
		return nil
	}
	n := &lcNode{addr: addr}
	switch l := l.(type) {
	case *Mutex:
		n.wm = weak.Make(l)
		runtime.AddCleanup(l, lcCleanup, n)
	case *RWMutex:
		n.wrw, n.isRW, n.policy = weak.Make(l), true, l.policy
		runtime.AddCleanup(l, lcCleanup, n)
	}
	if lc.nodes == nil {
		lc.nodes = make(map[uintptr]*lcNode)
	}
	lc.nodes[addr] = n
	return n
}

func lcCleanup(n *lcNode) {
	lc.mu.Lock()
	lcRemoveNode(n)
	lc.mu.Unlock()
}

// lcRemoveNode drops n and its edges from the graph; lc.mu held. Idempotent.
func lcRemoveNode(n *lcNode) {
	if lc.nodes[n.addr] == n {
		delete(lc.nodes, n.addr)
	}
	for k := range n.out {
		delete(k.to.in, n)
	}
	n.out = nil
	for from := range n.in {
		// Deleting the four possible keys keeps this O(1) per source even
		// for a lock with many edges (a global lock above per-request ones).
		for _, fr := range [2]bool{false, true} {
			for _, tr := range [2]bool{false, true} {
				delete(from.out, lcEdgeKey{to: n, fromRead: fr, toRead: tr})
			}
		}
	}
	n.in = nil
	for _, h := range n.holds {
		if g := lc.gs[h.g]; g != nil {
			g.held = lcDelete(g.held, h)
			lcMaybeForget(h.g, g)
		}
	}
	n.holds = nil
}

// lcAlive reports whether the locks of a cycle are all still in the graph.
func lcAlive(cycle []*lcEdge) bool {
	for _, e := range cycle {
		if lc.nodes[e.from.addr] != e.from {
			return false
		}
	}
	return true
}

func lcDelete(s []*lcAcq, a *lcAcq) []*lcAcq {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == a {
			return append(s[:i], s[i+1:]...)
		}
	}
	return s
}

func lcGoroutine(id int64) *lcG {
	g := lc.gs[id]
	if g == nil {
		if lc.gs == nil {
			lc.gs = make(map[int64]*lcG)
		}
		g = &lcG{}
		lc.gs[id] = g
	}
	return g
}

// lcMaybeForget drops the record of a goroutine that holds and waits for
// nothing, so that the map does not grow with goroutines that have exited.
func lcMaybeForget(id int64, g *lcG) {
	if len(g.held) == 0 && g.wait == nil {
		delete(lc.gs, id)
	}
}

func lockcheckMutex(m *Mutex) lockcheckToken            { return lcAcquire(m, false) }
func lockcheckRW(rw *RWMutex, read bool) lockcheckToken { return lcAcquire(rw, read) }

// lcAcquire checks an acquisition before it is attempted: recursion and the
// lock order. Reports are delivered after lc.mu is released.
func lcAcquire(l any, read bool) *lcAcq {
	a := &lcAcq{g: lcGoid(), read: read, pcs: lcCallers()}
	var pending []*lcPending
	lc.mu.Lock()
	a.n = lcNodeOf(l, true)
	if g := lc.gs[a.g]; g != nil {
		for _, h := range g.held {
			if h.n == a.n && a.n.blocks(h.read, read) {
				a.recursive = true
				pending = append(pending, &lcPending{kind: RecursiveLock, edges: []*lcEdge{{
					from: a.n, to: a.n, fromRead: h.read, toRead: read, g: a.g, heldPCs: h.pcs, atPCs: a.pcs,
				}}})
				break
			}
		}
		for _, h := range g.held {
			if h.n == a.n {
				continue
			}
			k := lcEdgeKey{to: a.n, fromRead: h.read, toRead: read}
			if x := h.n.out[k]; x != nil {
				if x.cycle != nil && x.gen != lockReportGen.Load() && lcAlive(x.cycle) {
					x.gen = lockReportGen.Load()
					pending = append(pending, &lcPending{kind: LockOrderCycle, edges: x.cycle})
				}
				continue
			}
			e := &lcEdge{from: h.n, to: a.n, fromRead: h.read, toRead: read, g: a.g, heldPCs: h.pcs, atPCs: a.pcs}
			if h.n.out == nil {
				h.n.out = make(map[lcEdgeKey]*lcEdge)
			}
			h.n.out[k] = e
			if a.n.in == nil {
				a.n.in = make(map[*lcNode]int)
			}
			a.n.in[h.n]++
			if cycle := lcFindCycle(e); cycle != nil {
				e.cycle, e.gen = cycle, lockReportGen.Load()
				pending = append(pending, &lcPending{kind: LockOrderCycle, edges: cycle})
			}
		}
	}
	lc.mu.Unlock()
	for _, p := range pending {
		p.deliver()
	}
	return a
}

// lcFindCycle returns the shortest cycle that starts with the new edge e and
// returns to e.from over recorded edges, such that at every lock of it the
// arriving acquisition can be held back by the departing hold; nil if none.
// lc.mu held.
func lcFindCycle(e *lcEdge) []*lcEdge {
	type state struct {
		n      *lcNode
		inRead bool
	}
	type step struct {
		edge *lcEdge // the edge that reached the state; nil for start
		prev state
	}
	start := state{e.to, e.toRead}
	via := map[state]step{start: {}}
	queue := []state{start}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s.n == e.from && s.n.blocks(e.fromRead, s.inRead) {
			var path []*lcEdge
			for at := s; via[at].edge != nil; at = via[at].prev {
				path = append(path, via[at].edge)
			}
			cycle := []*lcEdge{e}
			for i := len(path) - 1; i >= 0; i-- {
				cycle = append(cycle, path[i])
			}
			return cycle
		}
		for k, x := range s.n.out {
			if !s.n.blocks(k.fromRead, s.inRead) {
				continue
			}
			next := state{k.to, k.toRead}
			if _, seen := via[next]; seen {
				continue
			}
			via[next] = step{x, s}
			queue = append(queue, next)
		}
	}
	return nil
}

func lockcheckWait(a *lcAcq) {
	var p *lcPending
	lc.mu.Lock()
	g := lcGoroutine(a.g)
	a.outer, g.wait = g.wait, a
	a.waiting = true
	a.n.waits = append(a.n.waits, a)
	a.since = time.Now()
	if !a.recursive {
		p = lcFindDeadlock(a)
	}
	if d := lockWaitLimit.Load(); d > 0 {
		a.timer = time.AfterFunc(time.Duration(d), func() { lcLongWait(a) })
	}
	lc.mu.Unlock()
	if p != nil {
		// A handler that panics or exits the goroutine ends the wait.
		ok := false
		defer func() {
			if !ok {
				lockcheckFailed(a)
			}
		}()
		p.deliver()
		ok = true
	}
}

// lcEndWait unregisters a's wait; lc.mu held.
func lcEndWait(g *lcG, a *lcAcq) {
	if !a.waiting {
		return
	}
	a.waiting = false
	a.n.waits = lcDelete(a.n.waits, a)
	if g.wait == a {
		g.wait = a.outer
	}
	a.outer = nil
	if a.timer != nil {
		a.timer.Stop()
		a.timer = nil
	}
}

func lockcheckHeld(a *lcAcq) {
	lc.mu.Lock()
	g := lcGoroutine(a.g)
	lcEndWait(g, a)
	g.held = append(g.held, a)
	a.n.holds = append(a.n.holds, a)
	lc.mu.Unlock()
}

func lockcheckFailed(a *lcAcq) {
	lc.mu.Lock()
	if g := lc.gs[a.g]; g != nil {
		lcEndWait(g, a)
		lcMaybeForget(a.g, g)
	}
	lc.mu.Unlock()
}

func lockcheckTryMutex(m *Mutex)            { lcTry(m, false) }
func lockcheckTryRW(rw *RWMutex, read bool) { lcTry(rw, read) }

// lcTry records a successful TryLock or TryRLock: held, but no edge into it,
// since it could not block.
func lcTry(l any, read bool) {
	a := &lcAcq{g: lcGoid(), read: read, pcs: lcCallers()}
	lc.mu.Lock()
	a.n = lcNodeOf(l, true)
	g := lcGoroutine(a.g)
	g.held = append(g.held, a)
	a.n.holds = append(a.n.holds, a)
	lc.mu.Unlock()
}

func lockcheckUnlockMutex(m *Mutex)            { lcRelease(m, false) }
func lockcheckUnlockRW(rw *RWMutex, read bool) { lcRelease(rw, read) }

// lcRelease drops a hold of l in the given mode: the caller's own if it has
// one. A write hold has one owner, so an Unlock by another goroutine drops
// that owner's hold. An RUnlock by a goroutine that holds no read lock of l
// releases some other reader's, and which one cannot be told: the checker
// then forgets every read hold of l, so that its holders stay a subset of
// the real ones (it may miss a problem with l, but reports none that is not
// there). Unlocking an unheld lock records nothing; the lock itself then
// panics.
func lcRelease(l any, read bool) {
	// Reading the goroutine id is the dearest step of the checker; it is
	// needed only to find the caller's read hold.
	var id int64
	if read {
		id = lcGoid()
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	n := lcNodeOf(l, false)
	if n == nil {
		return
	}
	var drop []*lcAcq
	for i := len(n.holds) - 1; i >= 0; i-- {
		if x := n.holds[i]; x.read == read {
			if !read || x.g == id {
				drop = []*lcAcq{x}
				break
			}
			drop = append(drop, x)
		}
	}
	for _, h := range drop {
		n.holds = lcDelete(n.holds, h)
		if g := lc.gs[h.g]; g != nil {
			g.held = lcDelete(g.held, h)
			lcMaybeForget(h.g, g)
		}
	}
}

// lcBlockers returns, for a waiting acquisition a, the records through which
// other goroutines hold it back: their holds of the lock that conflict with
// a, and, for a reader under WriterPreferring or Fair while no writer holds
// the lock, the waits of queued writers. lc.mu held.
func lcBlockers(a *lcAcq) []*lcAcq {
	var bs []*lcAcq
	writerHolds := false
	for _, h := range a.n.holds {
		writerHolds = writerHolds || !h.read
		// A reader waits for read holders only through a queued writer,
		// which is added below, so that the cycle names it.
		if h.g != a.g && (!a.read || !h.read) {
			bs = append(bs, h)
		}
	}
	if a.read && !writerHolds && a.n.blocks(true, true) {
		for _, w := range a.n.waits {
			if !w.read && w.g != a.g {
				bs = append(bs, w)
			}
		}
	}
	return bs
}

// lcFindDeadlock looks for the shortest cycle of waiting goroutines through
// a's goroutine; lc.mu held.
func lcFindDeadlock(a *lcAcq) *lcPending {
	type link struct {
		prev int64  // the goroutine that waits for this one
		by   *lcAcq // this goroutine's hold (or queued wait) that holds prev back
	}
	via := map[int64]link{}
	queue := []int64{a.g}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		g := lc.gs[id]
		if g == nil || g.wait == nil {
			continue
		}
		for _, b := range lcBlockers(g.wait) {
			if b.g == a.g {
				// Closed: walk back from id to a.g. Each goroutine's edge
				// leads from its hold that holds back the goroutine before
				// it to the lock it waits for.
				var gs []int64
				var edges []*lcEdge
				at, hold := id, via[id].by
				for {
					w := lc.gs[at].wait
					edges = append(edges, &lcEdge{
						from: hold.n, to: w.n, fromRead: hold.read, toRead: w.read, g: at,
						heldPCs: hold.pcs, atPCs: w.pcs, queued: hold.waiting,
					})
					gs = append(gs, at)
					if at == a.g {
						break
					}
					if at = via[at].prev; at == a.g {
						hold = b
					} else {
						hold = via[at].by
					}
				}
				for i, j := 0, len(edges)-1; i < j; i, j = i+1, j-1 {
					edges[i], edges[j] = edges[j], edges[i]
					gs[i], gs[j] = gs[j], gs[i]
				}
				return &lcPending{kind: DeadlockCycle, edges: edges, gs: gs}
			}
			if _, seen := via[b.g]; seen {
				continue
			}
			via[b.g] = link{prev: id, by: b}
			queue = append(queue, b.g)
		}
	}
	return nil
}

func lcLongWait(a *lcAcq) {
	lc.mu.Lock()
	if !a.waiting {
		lc.mu.Unlock()
		return
	}
	waited := time.Since(a.since)
	e := &lcEdge{from: a.n, to: a.n, toRead: a.read, g: a.g, atPCs: a.pcs}
	gs := []int64{a.g}
	for _, h := range a.n.holds {
		if e.heldPCs == nil {
			e.heldPCs, e.fromRead = h.pcs, h.read
		}
		gs = append(gs, h.g)
	}
	lc.mu.Unlock()
	(&lcPending{kind: LongWait, edges: []*lcEdge{e}, gs: gs, waited: waited}).deliver()
}

// lcPending is a report found under lc.mu and built and delivered after it
// is released (resolving call sites and collecting stacks takes time, and
// the handler must run without the checker's lock).
type lcPending struct {
	kind   LockReportKind
	edges  []*lcEdge
	gs     []int64 // goroutines whose stacks the report shows
	waited time.Duration
}

func (p *lcPending) deliver() {
	r := &LockReport{Kind: p.kind, Waited: p.waited}
	keys := make([]string, len(p.edges))
	for i, e := range p.edges {
		le := LockEdge{
			From: e.from.lock(), To: e.to.lock(), FromRead: e.fromRead, ToRead: e.toRead,
			Goroutine: e.g, At: lcSite(e.atPCs),
		}
		if !e.queued {
			le.HeldAt = lcSite(e.heldPCs)
		}
		r.Edges = append(r.Edges, le)
		if p.kind != RecursiveLock && p.kind != LongWait {
			r.Locks = append(r.Locks, le.From)
		}
		keys[i] = lcSiteKey(le.HeldAt) + ">" + lcSiteKey(le.At)
	}
	if p.kind == RecursiveLock || p.kind == LongWait {
		r.Locks = []any{r.Edges[0].To}
	}
	if len(p.gs) > 0 {
		r.Goroutines = lcStacks(p.gs)
	}
	// The same cycle found from another of its edges is the same problem:
	// key it from its smallest edge on.
	if p.kind == LockOrderCycle || p.kind == DeadlockCycle {
		m := 0
		for i := range keys {
			if keys[i] < keys[m] {
				m = i
			}
		}
		keys = append(keys[m:], keys[:m]...)
	}
	deliverLockReport(p.kind.String()+"|"+strings.Join(keys, "|"), r)
}

func lcSiteKey(s LockSite) string {
	return s.File + ":" + strconv.Itoa(s.Line)
}

// lcPrefix is the prefix of the functions of this package, which are
// skipped to find the caller's site.
var lcPrefix = func() string {
	pc, _, _, _ := runtime.Caller(0)
	name := runtime.FuncForPC(pc).Name() // path/syncx.init or similar
	if i := strings.LastIndex(name, "/"); i >= 0 {
		if j := strings.Index(name[i:], "."); j >= 0 {
			return name[:i+j+1]
		}
	}
	return "syncx."
}()

func lcSite(pcs []uintptr) LockSite {
	var s LockSite
	if len(pcs) == 0 {
		return s
	}
	var b strings.Builder
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if s.File == "" && !strings.HasPrefix(f.Function, lcPrefix) {
			s.Function, s.File, s.Line = f.Function, f.File, f.Line
		}
		if s.File != "" {
			b.WriteString(f.Function + "\n\t" + f.File + ":" + strconv.Itoa(f.Line) + "\n")
		}
		if !more {
			break
		}
	}
	s.Stack = b.String()
	return s
}

// lcStacks returns the current stacks of the goroutines ids, in that order.
func lcStacks(ids []int64) []LockGoroutine {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= 64<<20 {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	byID := map[int64]string{}
	for _, st := range strings.Split(string(buf), "\n\n") {
		rest, ok := strings.CutPrefix(st, "goroutine ")
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(rest, " ")
		if id, err := strconv.ParseInt(num, 10, 64); err == nil {
			byID[id] = st
		}
	}
	var gs []LockGoroutine
	seen := map[int64]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			gs = append(gs, LockGoroutine{ID: id, Stack: byID[id]})
		}
	}
	return gs
}

func lockcheckSetName(l any, name string) {
	lc.mu.Lock()
	if n := lcNodeOf(l, true); n != nil {
		n.name = name
	}
	lc.mu.Unlock()
}

func lockcheckNameOf(l any) string {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if n := lcNodeOf(l, false); n != nil {
		return n.name
	}
	return ""
}

// lockcheckGraphSize returns the number of nodes and edges in the lock-order
// graph and of goroutines recorded (for tests of the memory bound).
func lockcheckGraphSize() (nodes, edges, goroutines int) {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	for _, n := range lc.nodes {
		edges += len(n.out)
	}
	return len(lc.nodes), edges, len(lc.gs)
}
