package pool_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/concurkit/concur/pool"
	"github.com/concurkit/concur/syncx"
)

func ExamplePool() {
	p := pool.New(2) // at most two tasks at once
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		p.Go(func() { sum.Add(int64(i)) })
	}
	p.Wait() // every task has returned; the pool's goroutines are gone
	fmt.Println(sum.Load())
	// Output: 5050
}

// New(0) runs as many tasks at once as there are Ps (runtime.GOMAXPROCS),
// the right number of workers for work that only computes.
func ExampleNew() {
	p := pool.New(0)
	var running, most atomic.Int64
	for range 1000 {
		p.Go(func() {
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			running.Add(-1)
		})
	}
	p.Wait()
	fmt.Println(most.Load() <= int64(runtime.GOMAXPROCS(0)))
	// Output: true
}

// Go blocks while the pool is full (every worker busy and the queue of
// waiting tasks full), so the loop reading the input never gets more than a
// bounded number of tasks ahead of the work, however long the input is.
func ExamplePool_Go() {
	input := bufio.NewScanner(strings.NewReader("1\n2\n3\n4\n5\n6\n7\n8\n"))
	p := pool.New(3)
	var total atomic.Int64
	for input.Scan() {
		line := input.Text()
		p.Go(func() { // returns once the line runs or waits in the buffer
			n, _ := strconv.Atoi(line)
			total.Add(int64(n * n))
		})
	}
	p.Wait()
	fmt.Println(total.Load())
	// Output: 204
}

// Wait re-raises a task's panic once the other tasks have returned, as a
// *syncx.PanicError that keeps the value and the task's stack. The pool can
// then be used again.
func ExamplePool_Wait() {
	p := pool.New(4)
	errBadInput := errors.New("bad input")
	p.Go(func() { panic(errBadInput) })
	p.Go(func() {})
	func() {
		defer func() {
			pe := recover().(*syncx.PanicError)
			fmt.Println("recovered:", pe.Value, errors.Is(pe, errBadInput))
		}()
		p.Wait()
	}()

	p.Go(func() { fmt.Println("the pool is usable again") })
	p.Wait()
	// Output:
	// recovered: bad input true
	// the pool is usable again
}

// The first error stops ForEach from starting new items and cancels the
// context the running ones were given.
func ExampleForEach() {
	files := []string{"a.txt", "b.txt", "missing.txt", "c.txt"}
	errNotFound := errors.New("not found")
	err := pool.ForEach(context.Background(), files, 1, func(ctx context.Context, name string) error {
		if name == "missing.txt" {
			return fmt.Errorf("open %s: %w", name, errNotFound)
		}
		fmt.Println("processed", name)
		return nil
	})
	fmt.Println(err, errors.Is(err, errNotFound))
	// Output:
	// processed a.txt
	// processed b.txt
	// open missing.txt: not found true
}

// Results come back in input order, whatever order the calls finish in.
func ExampleMap() {
	words := []string{"pool", "map", "in", "order"}
	lengths, err := pool.Map(context.Background(), words, 0, func(_ context.Context, w string) (int, error) {
		return len(w), nil
	})
	fmt.Println(lengths, err)
	// Output: [4 3 2 5] <nil>
}

// ForEachSeq works on any iterator, pulling values only as workers are free,
// so the sequence may be long or produced on the fly.
func ExampleForEachSeq() {
	var sum atomic.Int64
	err := pool.ForEachSeq(context.Background(), slices.Values([]int{3, 1, 4, 1, 5, 9, 2, 6}), 3, func(_ context.Context, v int) error {
		sum.Add(int64(v))
		return nil
	})
	fmt.Println(sum.Load(), err)
	// Output: 31 <nil>
}

func ExampleMapSeq() {
	fields := strings.FieldsSeq("concur runs this in parallel")
	upper, err := pool.MapSeq(context.Background(), fields, 2, func(_ context.Context, s string) (string, error) {
		return strings.ToUpper(s), nil
	})
	fmt.Println(upper, err)
	// Output: [CONCUR RUNS THIS IN PARALLEL] <nil>
}
