//go:build concur_lockcheck

package syncx_test

import (
	"runtime"
	"testing"

	"github.com/concurkit/concur/syncx"
)

// TestLockCheckMemoryBounded: a lock per request, each nested under a
// long-lived lock, must not make the graph grow without bound: the node of a
// collected lock and its edges are dropped.
func TestLockCheckMemoryBounded(t *testing.T) {
	r := recordLockReports(t)
	var global syncx.Mutex
	before, _, _ := syncx.LockGraphSize()
	const requests = 5000
	for i := range requests {
		m := new(syncx.Mutex)
		rw := syncx.NewRWMutex(syncx.Policy(i % 3))
		global.Lock()
		m.Lock()
		rw.RLock()
		rw.RUnlock()
		m.Unlock()
		global.Unlock()
	}
	nodes, edges := 0, 0
	for range 100 {
		runtime.GC()
		runtime.Gosched() // let the cleanups run
		nodes, edges, _ = syncx.LockGraphSize()
		if nodes-before < 100 {
			break
		}
	}
	if nodes-before >= 100 || edges >= 3*nodes {
		t.Fatalf("after %d locks created and dropped the graph holds %d nodes (%d before) and %d edges", requests, nodes, before, edges)
	}
	runtime.KeepAlive(&global)
	r.expect(t)
}

// TestLockCheckGoroutinesForgotten: goroutines that held locks and exited
// leave nothing behind in the checker.
func TestLockCheckGoroutinesForgotten(t *testing.T) {
	var a, b syncx.Mutex
	_, _, before := syncx.LockGraphSize()
	for range 100 {
		inGoroutine(func() { lockBoth(&a, &b) })
	}
	a.Lock()
	inGoroutine(a.Unlock) // unlocked by another goroutine
	if _, _, after := syncx.LockGraphSize(); after > before {
		t.Fatalf("%d goroutines recorded, %d before", after, before)
	}
}
