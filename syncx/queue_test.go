package syncx_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
)

func TestQueueFIFOAndTry(t *testing.T) {
	q := syncx.NewQueue[int](3)
	ctx := context.Background()
	for i := range 3 {
		if err := q.Put(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	if q.TryPut(9) {
		t.Fatal("TryPut on a full queue succeeded")
	}
	if q.Len() != 3 {
		t.Fatalf("Len = %d", q.Len())
	}
	for i := range 3 {
		v, ok := q.TryTake()
		if !ok || v != i {
			t.Fatalf("TryTake = %d, %v, want %d", v, ok, i)
		}
	}
	if _, ok := q.TryTake(); ok {
		t.Fatal("TryTake on an empty queue succeeded")
	}
}

func TestQueueUnbounded(t *testing.T) {
	q := syncx.NewQueue[int](0)
	next := 0 // values come out in the order they went in, across growth
	for i := range 1000 {
		if !q.TryPut(i) {
			t.Fatal("TryPut on an unbounded queue failed")
		}
		if i%3 == 0 {
			if v, ok := q.TryTake(); !ok || v != next {
				t.Fatalf("TryTake = %d, %v, want %d", v, ok, next)
			}
			next++
		}
	}
	for q.Len() > 0 {
		if v, _ := q.TryTake(); v != next {
			t.Fatalf("TryTake = %d, want %d", v, next)
		}
		next++
	}
	if next != 1000 {
		t.Fatalf("ended at %d", next)
	}
}

func TestQueueBlockingIsDurable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := syncx.NewQueue[string](1)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		got := make(chan string, 2)
		for _, c := range []context.Context{context.Background(), ctx} {
			go func() {
				v, err := q.Take(c)
				if err != nil {
					t.Error(err)
				}
				got <- v
			}()
		}
		synctest.Wait() // takers durably blocked
		q.TryPut("a")
		q.TryPut("b")
		synctest.Wait()
		if len(got) != 2 {
			t.Fatalf("%d of 2 takers served", len(got))
		}
		q.TryPut("c") // full now
		putErr := make(chan error, 2)
		for _, c := range []context.Context{context.Background(), ctx} {
			go func() { putErr <- q.Put(c, "d") }()
		}
		synctest.Wait() // putters durably blocked
		if len(putErr) != 0 {
			t.Fatal("Put on a full queue returned")
		}
		for _, want := range []string{"c", "d", "d"} {
			if v, err := q.Take(context.Background()); err != nil || v != want {
				t.Fatalf("Take = %q, %v, want %q", v, err, want)
			}
		}
		for range 2 {
			if err := <-putErr; err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestQueueTimeouts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := syncx.NewQueue[int](1)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		if _, err := q.Take(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Take = %v", err)
		}
		if time.Since(start) != time.Second {
			t.Fatalf("Take gave up after %v", time.Since(start))
		}
		q.TryPut(1)
		ctx2, cancel2 := context.WithTimeout(context.Background(), time.Second)
		defer cancel2()
		if err := q.Put(ctx2, 2); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Put = %v", err)
		}
		// The abandoned Put queued nothing.
		if q.Len() != 1 {
			t.Fatalf("Len = %d", q.Len())
		}
		if v, _ := q.TryTake(); v != 1 {
			t.Fatalf("TryTake = %d", v)
		}
		if _, ok := q.TryTake(); ok {
			t.Fatal("the timed-out Put's value is in the queue")
		}
	})
}

func TestQueueClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bounded := syncx.NewQueue[int](1)
		bounded.TryPut(1)
		putErr := make(chan error, 1)
		go func() { putErr <- bounded.Put(context.Background(), 2) }()
		empty := syncx.NewQueue[int](0)
		takeErr := make(chan error, 1)
		go func() { _, err := empty.Take(context.Background()); takeErr <- err }()
		synctest.Wait()

		bounded.Close()
		empty.Close()
		empty.Close() // idempotent
		if err := <-putErr; !errors.Is(err, syncx.ErrClosed) {
			t.Fatalf("blocked Put = %v, want ErrClosed", err)
		}
		if err := <-takeErr; !errors.Is(err, syncx.ErrClosed) {
			t.Fatalf("blocked Take = %v, want ErrClosed", err)
		}
		if err := bounded.Put(context.Background(), 3); !errors.Is(err, syncx.ErrClosed) {
			t.Fatalf("Put after Close = %v", err)
		}
		if bounded.TryPut(3) {
			t.Fatal("TryPut after Close succeeded")
		}
		// The queued value is still delivered, then ErrClosed.
		if v, err := bounded.Take(context.Background()); err != nil || v != 1 {
			t.Fatalf("Take after Close = %d, %v, want 1", v, err)
		}
		if _, err := bounded.Take(context.Background()); !errors.Is(err, syncx.ErrClosed) {
			t.Fatalf("Take of a closed, drained queue = %v", err)
		}
	})
}

// Put racing Take: a lost wake-up deadlocks the bubble.
func TestQueueNoLostWakeup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		for _, c := range []context.Context{context.Background(), ctx} {
			q := syncx.NewQueue[int](1)
			const n = 3000
			var wg sync.WaitGroup
			wg.Go(func() {
				for i := range n {
					if err := q.Put(c, i); err != nil {
						t.Error(err)
						return
					}
				}
			})
			for i := range n {
				v, err := q.Take(c)
				if err != nil || v != i {
					t.Fatalf("Take = %d, %v, want %d", v, err, i)
				}
			}
			wg.Wait()
		}
	})
}

// Producers and consumers with contexts cancelled at random: every value whose
// Put returned nil is taken exactly once, and no other value is.
func TestQueueCancellationStorm(t *testing.T) {
	for _, capacity := range []int{1, 4, 0} {
		q := syncx.NewQueue[int](capacity)
		const producers, perProducer, consumers = 8, 300, 8
		var mu sync.Mutex
		put := map[int]bool{}
		taken := map[int]int{}
		var prod, cons sync.WaitGroup
		for p := range producers {
			prod.Go(func() {
				r := rand.New(rand.NewPCG(uint64(p), 7))
				for i := range perProducer {
					v := p*perProducer + i
					ctx, cancel := context.WithCancel(context.Background())
					if r.IntN(3) == 0 {
						go cancel()
					}
					err := q.Put(ctx, v)
					cancel()
					if err == nil {
						mu.Lock()
						put[v] = true
						mu.Unlock()
					} else if !errors.Is(err, context.Canceled) {
						t.Error(err)
					}
				}
			})
		}
		for c := range consumers {
			cons.Go(func() {
				r := rand.New(rand.NewPCG(uint64(c), 9))
				for {
					ctx, cancel := context.WithCancel(context.Background())
					if r.IntN(3) == 0 {
						go cancel()
					}
					v, err := q.Take(ctx)
					cancel()
					switch {
					case err == nil:
						mu.Lock()
						taken[v]++
						mu.Unlock()
					case errors.Is(err, syncx.ErrClosed):
						return
					case !errors.Is(err, context.Canceled):
						t.Error(err)
						return
					}
				}
			})
		}
		prod.Wait()
		q.Close()
		cons.Wait()
		for v, n := range taken {
			if n != 1 || !put[v] {
				t.Fatalf("capacity %d: value %d taken %d times, put: %v", capacity, v, n, put[v])
			}
		}
		if len(taken) != len(put) {
			t.Fatalf("capacity %d: %d values put, %d taken", capacity, len(put), len(taken))
		}
	}
}

// One producer and one consumer pass values through a queue of 64.
func BenchmarkQueue(b *testing.B) {
	q := syncx.NewQueue[int](64)
	ctx := context.Background()
	b.ReportAllocs()
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range b.N {
			if err := q.Put(ctx, i); err != nil {
				b.Error(err)
				return
			}
		}
	})
	for range b.N {
		if _, err := q.Take(ctx); err != nil {
			b.Fatal(err)
		}
	}
	wg.Wait()
}
