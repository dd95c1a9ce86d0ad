package benchmarks

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/concurkit/concur/syncx"
	"golang.org/x/sync/semaphore"
)

// semAPI is what the semaphore benchmarks need of each implementation.
type semAPI interface {
	Acquire(ctx context.Context, n int64) error
	Release(n int64)
}

var semImpls = []struct {
	name string
	make func(permits int64) semAPI
}{
	{"concur", func(p int64) semAPI { return syncx.NewSemaphore(p) }},
	{"x-sync", func(p int64) semAPI { return semaphore.NewWeighted(p) }},
}

// Acquire+Release(1) by one goroutine on a semaphore nobody else uses.
func BenchmarkSemaphoreUncontended(b *testing.B) {
	for _, impl := range semImpls {
		b.Run(impl.name, func(b *testing.B) {
			s := impl.make(1)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := s.Acquire(ctx, 1); err != nil {
					b.Fatal(err)
				}
				s.Release(1)
			}
		})
	}
}

// 64 goroutines take turns at a semaphore of 1 permit; b.N is the total
// number of Acquire+Release pairs.
func BenchmarkSemaphoreContended64(b *testing.B) {
	const goroutines = 64
	for _, impl := range semImpls {
		b.Run(impl.name, func(b *testing.B) {
			s := impl.make(1)
			ctx := context.Background()
			b.ReportAllocs()
			var wg sync.WaitGroup
			b.ResetTimer()
			for g := range goroutines {
				n := b.N / goroutines
				if g < b.N%goroutines {
					n++
				}
				wg.Go(func() {
					for range n {
						if err := s.Acquire(ctx, 1); err != nil {
							b.Error(err)
							return
						}
						s.Release(1)
					}
				})
			}
			wg.Wait()
		})
	}
}

// condBarrier is the textbook cyclic barrier on sync.Cond: a generation
// counter, the last arrival broadcasts, the others wait for the generation to
// change.
type condBarrier struct {
	mu      sync.Mutex
	cond    *sync.Cond
	parties int
	count   int
	gen     uint64
}

func newCondBarrier(parties int) *condBarrier {
	b := &condBarrier{parties: parties}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *condBarrier) Await(context.Context) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.count++
	arrival := b.parties - b.count
	if arrival == 0 {
		b.count = 0
		b.gen++
		b.cond.Broadcast()
		return 0, nil
	}
	for g := b.gen; g == b.gen; {
		b.cond.Wait()
	}
	return arrival, nil
}

// barrierImpls are the barriers compared, made for a number of parties.
var barrierImpls = []struct {
	name string
	make func(parties int) interface {
		Await(context.Context) (int, error)
	}
}{
	{"concur", func(p int) interface {
		Await(context.Context) (int, error)
	} {
		return syncx.NewBarrier(p, nil)
	}},
	{"sync.Cond", func(p int) interface {
		Await(context.Context) (int, error)
	} {
		return newCondBarrier(p)
	}},
}

// benchBarrier measures rounds of the given number of parties, each in its
// own goroutine; one op is one round.
func benchBarrier(b *testing.B, parties int) {
	for _, impl := range barrierImpls {
		b.Run(impl.name, func(b *testing.B) {
			bar := impl.make(parties)
			ctx := context.Background()
			b.ReportAllocs()
			var wg sync.WaitGroup
			b.ResetTimer()
			for range parties {
				wg.Go(func() {
					for range b.N {
						if _, err := bar.Await(ctx); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

// One op is one round of 8 parties: more parties than processors on the
// machines this is measured on, so every round parks and wakes.
func BenchmarkBarrierRound8(b *testing.B) { benchBarrier(b, 8) }

// One op is one round of GOMAXPROCS parties, one per processor: the shape
// of phased computations with one worker per core.
func BenchmarkBarrierRoundGOMAXPROCS(b *testing.B) { benchBarrier(b, runtime.GOMAXPROCS(0)) }
