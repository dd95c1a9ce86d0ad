package benchmarks

import (
	"sync"
	"testing"

	"github.com/concurkit/concur/syncx"
)

// Each benchmark runs concur and its standard-library peer side by side
// (b.Run per implementation) so that benchstat compares them in one run.
// The bodies are written out per type rather than through an interface or a
// type parameter, so that every implementation's fast path can inline.

var rwPolicies = []syncx.Policy{syncx.WriterPreferring, syncx.ReaderPreferring, syncx.Fair}

func BenchmarkMutexUncontended(b *testing.B) {
	b.Run("impl=sync", func(b *testing.B) {
		var m sync.Mutex
		b.ReportAllocs()
		for b.Loop() {
			m.Lock()
			m.Unlock()
		}
	})
	b.Run("impl=syncx", func(b *testing.B) {
		var m syncx.Mutex
		b.ReportAllocs()
		for b.Loop() {
			m.Lock()
			m.Unlock()
		}
	})
}

// BenchmarkMutexContended: all goroutines increment one counter.
func BenchmarkMutexContended(b *testing.B) {
	b.Run("impl=sync", func(b *testing.B) {
		var m sync.Mutex
		n := 0
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m.Lock()
				n++
				m.Unlock()
			}
		})
	})
	b.Run("impl=syncx", func(b *testing.B) {
		var m syncx.Mutex
		n := 0
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m.Lock()
				n++
				m.Unlock()
			}
		})
	})
}

// BenchmarkMutexContendedWork: a critical section of some work, with work
// outside it too, which is closer to real use than a bare counter.
func BenchmarkMutexContendedWork(b *testing.B) {
	b.Run("impl=sync", func(b *testing.B) {
		var m sync.Mutex
		var shared [16]uint64
		b.RunParallel(func(pb *testing.PB) {
			var local uint64
			for pb.Next() {
				local = rwSpin(local, 50)
				m.Lock()
				shared[local%16] = rwSpin(shared[local%16], 20)
				m.Unlock()
			}
		})
	})
	b.Run("impl=syncx", func(b *testing.B) {
		var m syncx.Mutex
		var shared [16]uint64
		b.RunParallel(func(pb *testing.PB) {
			var local uint64
			for pb.Next() {
				local = rwSpin(local, 50)
				m.Lock()
				shared[local%16] = rwSpin(shared[local%16], 20)
				m.Unlock()
			}
		})
	})
}

// rwSpin is a little CPU work that the compiler cannot remove.
func rwSpin(x uint64, n int) uint64 {
	for range n {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

func BenchmarkRWMutexReadUncontended(b *testing.B) {
	b.Run("impl=sync", func(b *testing.B) {
		var rw sync.RWMutex
		b.ReportAllocs()
		for b.Loop() {
			rw.RLock()
			rw.RUnlock()
		}
	})
	for _, p := range rwPolicies {
		b.Run("impl=syncx-"+p.String(), func(b *testing.B) {
			rw := syncx.NewRWMutex(p)
			b.ReportAllocs()
			for b.Loop() {
				rw.RLock()
				rw.RUnlock()
			}
		})
	}
}

func BenchmarkRWMutexWriteUncontended(b *testing.B) {
	b.Run("impl=sync", func(b *testing.B) {
		var rw sync.RWMutex
		b.ReportAllocs()
		for b.Loop() {
			rw.Lock()
			rw.Unlock()
		}
	})
	for _, p := range rwPolicies {
		b.Run("impl=syncx-"+p.String(), func(b *testing.B) {
			rw := syncx.NewRWMutex(p)
			b.ReportAllocs()
			for b.Loop() {
				rw.Lock()
				rw.Unlock()
			}
		})
	}
}

// BenchmarkRWMutexReadParallel: readers only, from every P.
func BenchmarkRWMutexReadParallel(b *testing.B) {
	b.Run("impl=sync", func(b *testing.B) {
		var rw sync.RWMutex
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				rw.RLock()
				rw.RUnlock()
			}
		})
	})
	for _, p := range rwPolicies {
		b.Run("impl=syncx-"+p.String(), func(b *testing.B) {
			rw := syncx.NewRWMutex(p)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rw.RLock()
					rw.RUnlock()
				}
			})
		})
	}
}

// BenchmarkRWMutexMixed: one write in every 10 operations, some work inside
// the read and write sections.
func BenchmarkRWMutexMixed(b *testing.B) {
	b.Run("impl=sync", func(b *testing.B) {
		var rw sync.RWMutex
		var shared uint64
		b.RunParallel(func(pb *testing.PB) {
			var local uint64
			for i := 0; pb.Next(); i++ {
				if i%10 == 0 {
					rw.Lock()
					shared = rwSpin(shared, 20)
					rw.Unlock()
				} else {
					rw.RLock()
					local = rwSpin(local+shared, 20)
					rw.RUnlock()
				}
			}
		})
	})
	for _, p := range rwPolicies {
		b.Run("impl=syncx-"+p.String(), func(b *testing.B) {
			rw := syncx.NewRWMutex(p)
			var shared uint64
			b.RunParallel(func(pb *testing.PB) {
				var local uint64
				for i := 0; pb.Next(); i++ {
					if i%10 == 0 {
						rw.Lock()
						shared = rwSpin(shared, 20)
						rw.Unlock()
					} else {
						rw.RLock()
						local = rwSpin(local+shared, 20)
						rw.RUnlock()
					}
				}
			})
		})
	}
}
