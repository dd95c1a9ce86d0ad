package pool_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/concurkit/concur/pool"
)

// BenchmarkGo measures one tiny task through a GOMAXPROCS-limited pool: the
// cost of Go, the handoff and the Wait that follows, per task. The task is
// one closure made before the loop, so allocs/op is the pool's own: 0.
func BenchmarkGo(b *testing.B) {
	p := pool.New(0)
	var n atomic.Int64
	task := func() { n.Add(1) }
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		p.Go(task)
	}
	p.Wait()
	if n.Load() != int64(b.N) {
		b.Fatalf("%d tasks ran, want %d", n.Load(), b.N)
	}
}

// BenchmarkMap maps b.N ints with a trivial function.
func BenchmarkMap(b *testing.B) {
	items := ints(b.N)
	b.ReportAllocs()
	b.ResetTimer()
	_, err := pool.Map(context.Background(), items, 0, func(_ context.Context, v int) (int, error) {
		return v * 2, nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkMapSeq maps b.N ints pulled from an iterator.
func BenchmarkMapSeq(b *testing.B) {
	items := ints(b.N)
	b.ReportAllocs()
	b.ResetTimer()
	_, err := pool.MapSeq(context.Background(), slices.Values(items), 0, func(_ context.Context, v int) (int, error) {
		return v * 2, nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
