// Package benchpkg is a tiny benchmark that the tests of concur scale run.
package benchpkg

import (
	"sync"
	"testing"
)

func BenchmarkLockedCounter(b *testing.B) {
	var mu sync.Mutex
	n := 0
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			n++
			mu.Unlock()
		}
	})
}
