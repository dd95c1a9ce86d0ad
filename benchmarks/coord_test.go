package benchmarks

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
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

// spinBarrier is a 2-party barrier whose parties never park: the count of
// arrivals and the generation share one word, and a waiting party watches
// the generation. It is the best a spinning design can do when the parties
// run on their own processors: a round costs one signal from one processor
// to the other. It is a yardstick for BenchmarkBarrierFloor, not a barrier to
// use: a party that waits for a party that is not running wastes its
// processor (it yields every spinYieldEvery loads so that a busy machine
// cannot make a round last a scheduler time slice).
type spinBarrier struct {
	state atomic.Uint64 // generation<<32 | arrivals
}

const spinYieldEvery = 1 << 12

func (b *spinBarrier) await() {
	s := b.state.Add(1)
	gen := s >> 32
	if s&(1<<32-1) == 2 {
		b.state.Store((gen + 1) << 32)
		return
	}
	for i := 1; b.state.Load()>>32 == gen; i++ {
		if i%spinYieldEvery == 0 {
			runtime.Gosched()
		}
	}
}

// BenchmarkBarrierFloor measures, in one run, what any 2-party barrier round
// must cost on this machine, beside the sync.Cond barrier's round, to show
// whether a round at 0.5x the sync.Cond barrier's is possible here:
//
//   - cond-round: a round of the sync.Cond barrier, 2 parties (the reference);
//   - spin-round: a round of spinBarrier, whose parties never park: the least
//     a round costs when the parties run on two processors, one signal
//     between them;
//   - switch: one goroutine switch over an unbuffered channel (one op is half
//     a ping-pong): the least a round costs when the parties share a
//     processor and park, since one of them must stop for the other to run;
//   - yield-1P: one runtime.Gosched from one goroutine to another at
//     GOMAXPROCS=1: the same for a design that yields instead of parking.
//
// A round must either signal between processors or switch goroutines on one,
// so it costs about the smallest of spin-round, switch and yield-1P or more.
func BenchmarkBarrierFloor(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs GOMAXPROCS >= 2")
	}
	rounds := func(b *testing.B, await func()) {
		var wg sync.WaitGroup
		b.ResetTimer()
		for range 2 {
			wg.Go(func() {
				for range b.N {
					await()
				}
			})
		}
		wg.Wait()
	}
	b.Run("cond-round", func(b *testing.B) {
		bar := newCondBarrier(2)
		ctx := context.Background()
		rounds(b, func() { bar.Await(ctx) })
	})
	b.Run("spin-round", func(b *testing.B) {
		var bar spinBarrier
		rounds(b, bar.await)
	})
	b.Run("switch", func(b *testing.B) {
		ping, pong := make(chan struct{}), make(chan struct{})
		var wg sync.WaitGroup
		b.ResetTimer()
		wg.Go(func() {
			for i := 0; i < b.N; i += 2 {
				ping <- struct{}{}
				<-pong
			}
		})
		for i := 0; i < b.N; i += 2 {
			<-ping
			pong <- struct{}{}
		}
		wg.Wait()
	})
	b.Run("yield-1P", func(b *testing.B) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		var wg sync.WaitGroup
		b.ResetTimer()
		for range 2 {
			wg.Go(func() {
				for i := 0; i < b.N; i += 2 {
					runtime.Gosched()
				}
			})
		}
		wg.Wait()
	})
}
