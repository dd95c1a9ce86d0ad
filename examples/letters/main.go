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
// the program (corpus.txt), repeated.
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
	copies := flag.Int("copies", 200, "how many times the embedded documents are repeated")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "goroutines counting")
	flag.Parse()
	if err := run(os.Stdout, documents(*copies), *workers); err != nil {
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
// and prints the time and speed-up of each and the most frequent letters.
func run(w io.Writer, docs []string, workers int) error {
	if workers < 1 {
		return fmt.Errorf("workers must be at least 1, not %d", workers)
	}
	start := time.Now()
	want := countSequential(docs)
	base := time.Since(start)

	fmt.Fprintf(w, "%d documents, %d goroutines\n", len(docs), workers)
	fmt.Fprintf(w, "%-26s %12s %9s\n", "method", "time", "speed-up")
	fmt.Fprintf(w, "%-26s %12v %8.2fx\n", "sequential", base.Round(time.Microsecond), 1.0)
	for _, m := range []struct {
		name  string
		count func([]string, int) map[rune]int
	}{
		{"shared map, lock per letter", countLockPerUpdate},
		{"local maps, merged once", countMergeOnce},
	} {
		start := time.Now()
		got := m.count(docs, workers)
		d := time.Since(start)
		if !equal(got, want) {
			return fmt.Errorf("%s: counts differ from the sequential count", m.name)
		}
		fmt.Fprintf(w, "%-26s %12v %8.2fx\n", m.name, d.Round(time.Microsecond), float64(base)/float64(max(d, 1)))
	}
	fmt.Fprintf(w, "most frequent letters: %s\n", top(want, 5))
	return nil
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
