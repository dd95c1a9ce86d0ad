// Letters counts letter frequencies over many documents with several
// goroutines, and shows that how they share the result matters more than how
// many of them there are.
//
// With one shared map and a lock taken for every letter, the goroutines spend
// their time queueing for the lock: the counting is parallel, but the update,
// which is nearly all of the work, is serial, and by Amdahl's law the serial
// fraction caps the speed-up (here usually below 1: slower than one
// goroutine). Counting into a local map per goroutine and merging it into the
// shared map once, under the lock, makes the serial part tiny, and the speed-up
// approaches the number of cores. The documents are a short text embedded in
// the program (corpus.txt), repeated. Each way is timed several times,
// interleaved, and the median is printed with the spread and the range of the
// speed-up, so that a noisy machine cannot pass off a fluke as the lesson.
package main

import (
	_ "embed"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/concurkit/concur/syncx"
)

//go:embed corpus.txt
var corpus string

func main() {
	// 2000 copies take tens of milliseconds to count: long enough that the
	// timer and one scheduling hiccup do not decide the speed-up.
	copies := flag.Int("copies", 2000, "how many times the embedded documents are repeated")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "goroutines counting")
	reps := flag.Int("reps", 5, "runs of each way of counting; the median is printed with the spread")
	flag.Parse()
	if err := run(os.Stdout, documents(*copies), *workers, *reps); err != nil {
		fmt.Fprintln(os.Stderr, "letters:", err)
		os.Exit(1)
	}
}

// documents returns the paragraphs of the embedded corpus, repeated copies
// times.
func documents(copies int) []string {
	paras := strings.Split(strings.TrimSpace(corpus), "\n\n")
	docs := make([]string, 0, copies*len(paras))
	for range copies {
		docs = append(docs, paras...)
	}
	return docs
}

// countSequential is the reference: one goroutine, one map, no lock.
func countSequential(docs []string) map[rune]int {
	counts := map[rune]int{}
	for _, d := range docs {
		countInto(counts, d)
	}
	return counts
}

func countInto(counts map[rune]int, doc string) {
	for _, r := range doc {
		if unicode.IsLetter(r) {
			counts[unicode.ToLower(r)]++
		}
	}
}

// countLockPerUpdate shares one map between workers goroutines and locks it
// for every single letter.
func countLockPerUpdate(docs []string, workers int) map[rune]int {
	var (
		mu     syncx.Mutex
		counts = map[rune]int{}
		wg     syncx.WaitGroup
	)
	for i := range workers {
		wg.Go(func() {
			for j := i; j < len(docs); j += workers {
				for _, r := range docs[j] {
					if unicode.IsLetter(r) {
						mu.Lock()
						counts[unicode.ToLower(r)]++
						mu.Unlock()
					}
				}
			}
		})
	}
	wg.Wait()
	return counts
}

// countMergeOnce lets each of workers goroutines count its share of the
// documents into a map of its own, and merges that map into the shared one
// under the lock once, at the end.
func countMergeOnce(docs []string, workers int) map[rune]int {
	var (
		mu     syncx.Mutex
		counts = map[rune]int{}
		wg     syncx.WaitGroup
	)
	for i := range workers {
		wg.Go(func() {
			local := map[rune]int{} // private: no lock needed while counting
			for j := i; j < len(docs); j += workers {
				countInto(local, docs[j])
			}
			mu.Lock()
			for r, n := range local {
				counts[r] += n
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	return counts
}

// run counts the letters of docs in the three ways, checks that they agree,
// and prints the median time of reps runs of each, the spread of those runs
// and the speed-up with its range. The runs of the three ways are
// interleaved, so that a disturbance of the machine hits all of them rather
// than one, and the program says so when the spread is too large to tell
// the ways apart.
func run(w io.Writer, docs []string, workers, reps int) error {
	if workers < 1 {
		return fmt.Errorf("workers must be at least 1, not %d", workers)
	}
	if reps < 1 {
		return fmt.Errorf("reps must be at least 1, not %d", reps)
	}
	want := countSequential(docs)
	methods := []struct {
		name  string
		count func([]string, int) map[rune]int
	}{
		{"sequential", func(d []string, _ int) map[rune]int { return countSequential(d) }},
		{"shared map, lock per letter", countLockPerUpdate},
		{"local maps, merged once", countMergeOnce},
	}
	times := make([][]time.Duration, len(methods))
	for r := range reps {
		for k := range methods {
			i := (k + r) % len(methods) // a different order each round
			start := time.Now()
			got := methods[i].count(docs, workers)
			times[i] = append(times[i], time.Since(start))
			if !equal(got, want) {
				return fmt.Errorf("%s: counts differ from the sequential count", methods[i].name)
			}
		}
	}
	for i := range times {
		slices.Sort(times[i])
	}
	base := times[0]
	fmt.Fprintf(w, "%d documents, %d goroutines, median of %d interleaved runs\n", len(docs), workers, reps)
	fmt.Fprintf(w, "%-28s %10s %7s  %s\n", "method", "time", "spread", "speed-up [range]")
	var ranges [][2]float64
	for i, m := range methods {
		ts := times[i]
		med := median(ts)
		spread := float64(ts[len(ts)-1]-ts[0]) / float64(max(med, 1)) / 2
		sp := float64(median(base)) / float64(max(med, 1))
		lo := float64(base[0]) / float64(max(ts[len(ts)-1], 1))
		hi := float64(base[len(base)-1]) / float64(max(ts[0], 1))
		ranges = append(ranges, [2]float64{lo, hi})
		fmt.Fprintf(w, "%-28s %10v %6.0f%%  %.2fx [%.2f, %.2f]\n", m.name, med.Round(time.Microsecond), 100*spread, sp, lo, hi)
	}
	if lock, merge := ranges[1], ranges[2]; merge[0] <= lock[1] {
		fmt.Fprintln(w, "the ranges of the two shared ways overlap: the machine was too noisy to tell them apart; try more -copies or -reps")
	}
	fmt.Fprintf(w, "most frequent letters: %s\n", top(want, 5))
	return nil
}

// median of sorted durations.
func median(ts []time.Duration) time.Duration {
	k := len(ts)
	if k%2 == 1 {
		return ts[k/2]
	}
	return (ts[k/2-1] + ts[k/2]) / 2
}

func equal(a, b map[rune]int) bool {
	if len(a) != len(b) {
		return false
	}
	for r, n := range a {
		if b[r] != n {
			return false
		}
	}
	return true
}

// top formats the k most frequent letters as "e=12 t=9 ...", ties broken
// alphabetically so the output is stable.
func top(counts map[rune]int, k int) string {
	letters := make([]rune, 0, len(counts))
	for r := range counts {
		letters = append(letters, r)
	}
	slices.SortFunc(letters, func(a, b rune) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return int(a - b)
	})
	var parts []string
	for _, r := range letters[:min(k, len(letters))] {
		parts = append(parts, fmt.Sprintf("%c=%d", r, counts[r]))
	}
	return strings.Join(parts, " ")
}
