package benchmarks

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/alitto/pond/v2"
	concurpool "github.com/concurkit/concur/pool"
	"github.com/panjf2000/ants/v2"
	"github.com/sourcegraph/conc/iter"
	concpool "github.com/sourcegraph/conc/pool"
)

// Each implementation runs b.N tasks through a pool limited to GOMAXPROCS
// goroutines and waits for them, the way its documentation says to.
var tinyTaskImpls = []struct {
	name string
	run  func(b *testing.B, limit int, task func())
}{
	{"concur", func(b *testing.B, limit int, task func()) {
		p := concurpool.New(limit)
		for range b.N {
			p.Go(task)
		}
		p.Wait()
	}},
	{"conc", func(b *testing.B, limit int, task func()) {
		p := concpool.New().WithMaxGoroutines(limit)
		for range b.N {
			p.Go(task)
		}
		p.Wait()
	}},
	{"pond", func(b *testing.B, limit int, task func()) {
		p := pond.NewPool(limit)
		for range b.N {
			if err := p.Go(task); err != nil {
				b.Fatal(err)
			}
		}
		p.StopAndWait()
	}},
	{"ants", func(b *testing.B, limit int, task func()) {
		// ants has no wait for the tasks it ran: a WaitGroup counts them.
		p, err := ants.NewPool(limit)
		if err != nil {
			b.Fatal(err)
		}
		defer p.Release()
		var wg sync.WaitGroup
		done := func() { task(); wg.Done() }
		for range b.N {
			wg.Add(1)
			if err := p.Submit(done); err != nil {
				b.Fatal(err)
			}
		}
		wg.Wait()
	}},
}

// BenchmarkTinyTasks: b.N tasks that each do one atomic add, through a pool
// of GOMAXPROCS goroutines, then wait. The time per op is the pool's overhead
// per task; the bar is concur at most 0.7x conc, and faster than pond and ants.
func BenchmarkTinyTasks(b *testing.B) {
	for _, impl := range tinyTaskImpls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			var n atomic.Int64
			task := func() { n.Add(1) }
			b.ReportAllocs()
			b.ResetTimer()
			impl.run(b, runtime.GOMAXPROCS(0), task)
			b.StopTimer()
			if n.Load() != int64(b.N) {
				b.Fatalf("%d tasks ran, want %d", n.Load(), b.N)
			}
		})
	}
}

const mapItems = 1_000_000

// BenchmarkMap: one op maps 1,000,000 ints with a trivial function on
// GOMAXPROCS goroutines and returns the results in order; ns/item is reported
// too.
func BenchmarkMap(b *testing.B) {
	input := make([]int, mapItems)
	for i := range input {
		input[i] = i
	}
	impls := []struct {
		name string
		run  func() []int
	}{
		{"concur", func() []int {
			out, err := concurpool.Map(context.Background(), input, 0, func(_ context.Context, v int) (int, error) {
				return v * 2, nil
			})
			if err != nil {
				b.Fatal(err)
			}
			return out
		}},
		{"conc", func() []int {
			return iter.Map(input, func(v *int) int { return *v * 2 })
		}},
	}
	for _, impl := range impls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if out := impl.run(); len(out) != mapItems || out[mapItems-1] != 2*(mapItems-1) {
					b.Fatal("wrong result")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/mapItems, "ns/item")
		})
	}
}
