package main

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concurkit/concur/chans"
	"github.com/concurkit/concur/syncx"
)

// The corpus is three short texts written for concur; the letter-counting
// workloads walk it over and over.
//
//go:embed corpus/*.txt
var corpusFS embed.FS

var corpus = func() []byte {
	var b bytes.Buffer
	fs.WalkDir(corpusFS, "corpus", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := corpusFS.ReadFile(path)
			b.Write(data)
		}
		return nil
	})
	return b.Bytes()
}()

// repeatedCorpus is the corpus repeated to 256 KiB, so that the pipeline
// can cut it into large messages.
var repeatedCorpus = bytes.Repeat(corpus, (256<<10)/len(corpus)+1)

// A workload does units of work with n goroutines for about d and reports
// how many units it did, in how long. It returns an error when its own
// consistency check fails (a lost update would make the throughput a lie).
type workload struct {
	name, desc string
	cause      string // what serialises it, for the explaining sentence
	unit       string
	run        func(n int, d time.Duration) (units int64, elapsed time.Duration, err error)
}

func workloads() []workload {
	ws := []workload{
		{"letters/lock-per-update", "count letters of the corpus; every single count is an update under one syncx.Mutex",
			"the lock held per update", "letters/s", lettersLockPerUpdate},
		{"letters/merge-local", "count letters into a local array per 4 KiB chunk, merge the 26 counts under one syncx.Mutex",
			"the merge under the lock", "letters/s", lettersMergeLocal},
		{"letters/atomics", "count letters with an atomic add on one of 26 shared counters",
			"the cache-line traffic on the shared counters", "letters/s", lettersAtomics},
		{"letters/messages", "count letters per 64-byte line and send each line's counts over a channel to one collector goroutine",
			"the single collector of messages", "letters/s", lettersMessages},
	}
	for _, p := range []syncx.Policy{syncx.WriterPreferring, syncx.ReaderPreferring, syncx.Fair} {
		ws = append(ws, workload{"rwmap/" + p.String(),
			fmt.Sprintf("read-heavy map (1 write per %d operations, reads look up %d keys) under syncx.NewRWMutex(%v)", writeEvery, readKeys, p),
			"the lock word that every read and write updates", "ops/s", rwMap(p)})
	}
	// The same pipeline twice: with 64-byte messages the hand-offs cost more
	// than the work they carry (a chatty pipeline), with 32 KiB messages the
	// work dominates and fan-out pays.
	ws = append(ws,
		workload{"pipeline/chatty", "chans.FromSeq → chans.ParallelMap over N workers (count letters of a 64-byte line) → one consumer",
			"the hand-off of each small message through one producer and one consumer", "lines/s", pipelineFanOut(64)},
		workload{"pipeline/chunky", "chans.FromSeq → chans.ParallelMap over N workers (count letters of a 32 KiB chunk) → one consumer",
			"the hand-off through one producer and one consumer", "chunks/s", pipelineFanOut(32 << 10)})
	return ws
}

// letterIndex maps an ASCII letter to 0..25 and anything else to -1.
func letterIndex(c byte) int {
	c |= 0x20 // ASCII lower case
	if c >= 'a' && c <= 'z' {
		return int(c - 'a')
	}
	return -1
}

// timed starts n goroutines running body at once, tells them to stop after
// d, and returns the sum of their results and the time from start until the
// last one returned.
func timed(n int, d time.Duration, body func(id int, stop *atomic.Bool) int64) (int64, time.Duration) {
	var (
		stop  atomic.Bool
		total atomic.Int64
		wg    sync.WaitGroup
		start = make(chan struct{})
	)
	for id := range n {
		wg.Go(func() {
			<-start
			total.Add(body(id, &stop))
		})
	}
	t0 := time.Now()
	close(start)
	timer := time.NewTimer(d)
	<-timer.C
	stop.Store(true)
	wg.Wait()
	return total.Load(), time.Since(t0)
}

// chunks calls f on successive chunks of the corpus, starting at a place
// that depends on id so that goroutines do not march in step, until stop.
func chunks(id, size int, stop *atomic.Bool, f func([]byte)) {
	pos := (id * 997) % len(corpus)
	// At least one chunk, even when the goroutine first ran after stop: a
	// measurement of zero units would say nothing.
	for {
		end := min(pos+size, len(corpus))
		f(corpus[pos:end])
		if pos = end; pos == len(corpus) {
			pos = 0
		}
		if stop.Load() {
			return
		}
	}
}

func checkCounts(counts []int64, units int64) error {
	var sum int64
	for _, c := range counts {
		sum += c
	}
	if sum != units {
		return fmt.Errorf("lost updates: counted %d letters, shared counts hold %d", units, sum)
	}
	return nil
}

func lettersLockPerUpdate(n int, d time.Duration) (int64, time.Duration, error) {
	var (
		mu     syncx.Mutex
		counts [26]int64
	)
	units, el := timed(n, d, func(id int, stop *atomic.Bool) int64 {
		var k int64
		chunks(id, 256, stop, func(b []byte) {
			for _, c := range b {
				if i := letterIndex(c); i >= 0 {
					mu.Lock()
					counts[i]++
					mu.Unlock()
					k++
				}
			}
		})
		return k
	})
	return units, el, checkCounts(counts[:], units)
}

func lettersMergeLocal(n int, d time.Duration) (int64, time.Duration, error) {
	var (
		mu     syncx.Mutex
		counts [26]int64
	)
	units, el := timed(n, d, func(id int, stop *atomic.Bool) int64 {
		var k int64
		chunks(id, 4096, stop, func(b []byte) {
			var local [26]int64
			for _, c := range b {
				if i := letterIndex(c); i >= 0 {
					local[i]++
					k++
				}
			}
			mu.Lock()
			for i, v := range local {
				counts[i] += v
			}
			mu.Unlock()
		})
		return k
	})
	return units, el, checkCounts(counts[:], units)
}

func lettersAtomics(n int, d time.Duration) (int64, time.Duration, error) {
	var counts [26]atomic.Int64
	units, el := timed(n, d, func(id int, stop *atomic.Bool) int64 {
		var k int64
		chunks(id, 256, stop, func(b []byte) {
			for _, c := range b {
				if i := letterIndex(c); i >= 0 {
					counts[i].Add(1)
					k++
				}
			}
		})
		return k
	})
	var plain [26]int64
	for i := range counts {
		plain[i] = counts[i].Load()
	}
	return units, el, checkCounts(plain[:], units)
}

func lettersMessages(n int, d time.Duration) (int64, time.Duration, error) {
	msgs := make(chan [26]int32, n)
	var counts [26]int64
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for m := range msgs {
			for i, v := range m {
				counts[i] += int64(v)
			}
		}
	}()
	units, el := timed(n, d, func(id int, stop *atomic.Bool) int64 {
		var k int64
		chunks(id, 64, stop, func(b []byte) {
			var m [26]int32
			for _, c := range b {
				if i := letterIndex(c); i >= 0 {
					m[i]++
					k++
				}
			}
			msgs <- m
		})
		return k
	})
	close(msgs)
	<-collected
	return units, el, checkCounts(counts[:], units)
}

const (
	mapKeys    = 4096
	writeEvery = 64
	readKeys   = 512
)

func rwMap(p syncx.Policy) func(n int, d time.Duration) (int64, time.Duration, error) {
	return func(n int, d time.Duration) (int64, time.Duration, error) {
		rw := syncx.NewRWMutex(p)
		m := make(map[int]int, mapKeys)
		for k := range mapKeys {
			m[k] = k
		}
		var writes atomic.Int64
		units, el := timed(n, d, func(id int, stop *atomic.Bool) int64 {
			var ops int64
			k := id * 131
			sink := 0
			for ops == 0 || !stop.Load() { // at least one operation
				ops++
				k = (k*1103515245 + 12345) & (mapKeys - 1)
				if ops%writeEvery == 0 {
					rw.Lock()
					m[k]++
					rw.Unlock()
					writes.Add(1)
					continue
				}
				rw.RLock()
				for j := range readKeys {
					sink += m[(k+j*509)&(mapKeys-1)]
				}
				rw.RUnlock()
			}
			_ = sink
			return ops
		})
		// Every write added one to a value that started as its key.
		total := 0
		for k, v := range m {
			total += v - k
		}
		if int64(total) != writes.Load() {
			return units, el, fmt.Errorf("lost writes: %d made, map shows %d", writes.Load(), total)
		}
		return units, el, nil
	}
}

// pipelineFanOut returns a workload that streams the corpus in messages of
// size bytes through a fan-out stage.
func pipelineFanOut(size int) func(n int, d time.Duration) (int64, time.Duration, error) {
	return func(n int, d time.Duration) (int64, time.Duration, error) {
		return pipeline(size, n, d)
	}
}

func pipeline(size, n int, d time.Duration) (int64, time.Duration, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	text := repeatedCorpus
	lines := func(yield func([]byte) bool) {
		for pos := 0; ; pos = (pos + size) % (len(text) - size) {
			if !yield(text[pos : pos+size]) {
				return
			}
		}
	}
	count := func(b []byte) int {
		k := 0
		for _, c := range b {
			if letterIndex(c) >= 0 {
				k++
			}
		}
		return k
	}
	t0 := time.Now()
	results := chans.ParallelMap(ctx, chans.FromSeq(ctx, iter.Seq[[]byte](lines)), n, count)
	// d runs from t0, but the run does not end before the first line is
	// through, so that even a tiny d measures something.
	var items int64
	if _, ok := <-results; ok {
		items++
	}
	timer := time.AfterFunc(max(0, d-time.Since(t0)), cancel)
	defer timer.Stop()
	for range results {
		items++
	}
	// ParallelMap closed results: every stage has stopped.
	return items, time.Since(t0), nil
}
