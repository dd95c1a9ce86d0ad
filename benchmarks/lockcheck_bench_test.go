package benchmarks

import (
	"fmt"
	"sync"
	"testing"

	"github.com/concurkit/concur/syncx"
	"github.com/sasha-s/go-deadlock"
)

// The cost of checking, against go-deadlock in the same run:
//
//	go test -tags concur_lockcheck -run '^$' -bench LockCheck -count 10 .
//
// Without the tag, impl=syncx is the unchecked lock. go-deadlock runs with
// its defaults (lock-order detection on, 30 s timeout).

func lockCheckImpls() []struct {
	name string
	new  func() sync.Locker
} {
	return []struct {
		name string
		new  func() sync.Locker
	}{
		{"sync", func() sync.Locker { return new(sync.Mutex) }},
		{"syncx", func() sync.Locker { return new(syncx.Mutex) }},
		{"go-deadlock", func() sync.Locker { return new(deadlock.Mutex) }},
	}
}

// BenchmarkLockCheckUncontended: Lock+Unlock of one Mutex, nothing else held.
func BenchmarkLockCheckUncontended(b *testing.B) {
	for _, impl := range lockCheckImpls() {
		b.Run("impl="+impl.name, func(b *testing.B) {
			m := impl.new()
			for b.Loop() {
				m.Lock()
				m.Unlock()
			}
		})
	}
}

// BenchmarkLockCheckNested2: two locks nested, the common case that records
// an order.
func BenchmarkLockCheckNested2(b *testing.B) {
	for _, impl := range lockCheckImpls() {
		b.Run("impl="+impl.name, func(b *testing.B) {
			m1, m2 := impl.new(), impl.new()
			for b.Loop() {
				m1.Lock()
				m2.Lock()
				m2.Unlock()
				m1.Unlock()
			}
		})
	}
}

// BenchmarkLockCheckHeld: Lock+Unlock of one Mutex while holding n others,
// to show how the cost grows with the locks held.
func BenchmarkLockCheckHeld(b *testing.B) {
	for _, n := range []int{1, 4, 16} {
		for _, impl := range lockCheckImpls() {
			b.Run(fmt.Sprintf("held=%d/impl=%s", n, impl.name), func(b *testing.B) {
				held := make([]sync.Locker, n)
				for i := range held {
					held[i] = impl.new()
					held[i].Lock()
				}
				m := impl.new()
				for b.Loop() {
					m.Lock()
					m.Unlock()
				}
				for i := n - 1; i >= 0; i-- {
					held[i].Unlock()
				}
			})
		}
	}
}
