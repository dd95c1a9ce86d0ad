// Matrix computes powers of a matrix with one goroutine per row, the rounds
// kept in step by a cyclic barrier.
//
// Each round computes next = A × cur. Row i of next needs every row of cur, so
// no goroutine may start round r+1 before all have finished round r, and none
// may overwrite cur while another still reads it. A syncx.Barrier gives
// exactly that: every row goroutine calls Await at the end of its round, the
// last one to arrive runs the barrier action (here: swap cur and next), and
// only then are all released into the next round. The barrier is cyclic, so
// the same one serves every round. The result is checked against a plain
// sequential computation.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/concurkit/concur/syncx"
)

func main() {
	n := flag.Int("n", 100, "size of the random matrix")
	p := flag.Int("p", 5, "power to raise it to")
	flag.Parse()
	if err := run(os.Stdout, *n, *p, 1); err != nil {
		fmt.Fprintln(os.Stderr, "matrix:", err)
		os.Exit(1)
	}
}

// A matrix is square, stored by rows.
type matrix [][]int64

func newMatrix(n int) matrix {
	m := make(matrix, n)
	for i := range m {
		m[i] = make([]int64, n)
	}
	return m
}

func identity(n int) matrix {
	m := newMatrix(n)
	for i := range m {
		m[i][i] = 1
	}
	return m
}

// mulRow stores row i of a × b into dst.
func mulRow(dst []int64, a, b matrix, i int) {
	for j := range dst {
		var s int64
		for k := range a[i] {
			s += a[i][k] * b[k][j]
		}
		dst[j] = s
	}
}

// powerSequential returns a to the power p (p >= 0) the obvious way.
func powerSequential(a matrix, p int) matrix {
	cur := identity(len(a))
	for range p {
		next := newMatrix(len(a))
		for i := range next {
			mulRow(next[i], a, cur, i)
		}
		cur = next
	}
	return cur
}

// powerParallel returns a to the power p (p >= 0), computing each round
// next = a × cur with one goroutine per row and a barrier between rounds.
func powerParallel(ctx context.Context, a matrix, p int) (matrix, error) {
	n := len(a)
	cur, next := identity(n), newMatrix(n)
	if p == 0 || n == 0 {
		return cur, nil
	}
	// The action runs once per round, after every row is written and before
	// anyone reads cur again: the only moment the swap is safe.
	bar := syncx.NewBarrier(n, func() { cur, next = next, cur })
	var (
		wg  syncx.WaitGroup
		mu  syncx.Mutex // guards err
		err error
	)
	for i := range n {
		wg.Go(func() {
			for range p {
				mulRow(next[i], a, cur, i)
				if _, e := bar.Await(ctx); e != nil {
					// ctx ended: the round broke for every party, and
					// since all share ctx, none can start another.
					mu.Lock()
					if err == nil {
						err = e
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if err != nil {
		return nil, context.Cause(ctx) // not ErrBrokenBarrier: say why it broke
	}
	return cur, nil
}

// random returns an n×n matrix of 0s and 1s from a seeded generator.
func random(n int, seed uint64) matrix {
	r := rand.New(rand.NewPCG(seed, seed))
	m := newMatrix(n)
	for i := range m {
		for j := range m[i] {
			m[i][j] = int64(r.IntN(2))
		}
	}
	return m
}

// run raises the Fibonacci matrix to the 10th power as a small readable
// example, then a random n×n 0/1 matrix to the power p, and checks both
// against the sequential computation.
func run(w io.Writer, n, p int, seed uint64) error {
	fib := matrix{{1, 1}, {1, 0}}
	f, err := powerParallel(context.Background(), fib, 10)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "[[1 1] [1 0]]^10 = %v  (Fibonacci numbers F11 F10 / F10 F9)\n", f)

	a := random(n, seed)
	start := time.Now()
	got, err := powerParallel(context.Background(), a, p)
	if err != nil {
		return err
	}
	par := time.Since(start)
	start = time.Now()
	want := powerSequential(a, p)
	seq := time.Since(start)
	if !slices.EqualFunc(got, want, slices.Equal) {
		return fmt.Errorf("parallel and sequential results differ")
	}
	var trace int64
	for i := range got {
		trace += got[i][i]
	}
	fmt.Fprintf(w, "random %dx%d 0/1 matrix ^%d: %d row goroutines, %d barrier rounds\n", n, n, p, n, p)
	fmt.Fprintf(w, "trace %d; parallel result equals sequential (%v vs %v)\n",
		trace, par.Round(time.Microsecond), seq.Round(time.Microsecond))
	return nil
}
