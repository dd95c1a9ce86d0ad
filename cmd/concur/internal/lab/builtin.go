package lab

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

// Builtin returns the lab's own workloads, the calibration first.
func Builtin() []Workload {
	ws := []Workload{
		{Name: "calibration/no-sharing", Desc: "count letters into a local array per goroutine; nothing is shared, so this is the machine's own ceiling",
			Unit: "letters/s", Hypothesis: "nothing is shared: any shortfall from linear is the machine (other load, frequency, memory bandwidth)", Run: calibration},
		{Name: "letters/lock-per-update", Desc: "count letters of the corpus; every single count is an update under one syncx.Mutex",
			Unit: "letters/s", Hypothesis: "the lock taken for every letter serialises the work", Run: lettersLockPerUpdate},
		{Name: "letters/merge-local", Desc: "count letters into a local array per 4 KiB chunk, merge the 26 counts under one syncx.Mutex",
			Unit: "letters/s", Hypothesis: "only the merge (26 additions per 4 KiB) is serial, so it should scale nearly linearly", Run: lettersMergeLocal},
		{Name: "letters/atomics", Desc: "count letters with an atomic add on one of 26 shared counters",
			Unit: "letters/s", Hypothesis: "the cache lines of the shared counters move between cores on every add", Run: lettersAtomics},
		{Name: "letters/messages", Desc: "count letters per 64-byte line and send each line's counts over a channel to one collector goroutine",
			Unit: "letters/s", Hypothesis: "the single collector receives every message", Run: lettersMessages},
	}
	for _, p := range []syncx.Policy{syncx.WriterPreferring, syncx.ReaderPreferring, syncx.Fair} {
		ws = append(ws, Workload{Name: "rwmap/" + p.String(),
			Desc: fmt.Sprintf("read-heavy map (1 write per %d operations, reads look up %d keys) under syncx.NewRWMutex(%v)", writeEvery, readKeys, p),
			Unit: "ops/s", Hypothesis: "readers share the lock, but every read and write updates the lock word", Run: rwMap(p)})
	}
	// The same pipeline twice: with 64-byte messages the hand-offs cost more
	// than the work they carry (a chatty pipeline), with 32 KiB messages the
	// work dominates and fan-out pays.
	ws = append(ws,
		Workload{Name: "pipeline/chatty", Desc: "chans.FromSeq → chans.ParallelMap over N workers (count letters of a 64-byte line) → one consumer",
			Unit: "lines/s", Hypothesis: "each small message is handed off through one producer and one consumer", Run: pipelineFanOut(64)},
		Workload{Name: "pipeline/chunky", Desc: "chans.FromSeq → chans.ParallelMap over N workers (count letters of a 32 KiB chunk) → one consumer",
			Unit: "chunks/s", Hypothesis: "the work per message dominates the hand-off, so fan-out pays", Run: pipelineFanOut(32 << 10)})
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

// timed runs body in n goroutines and returns the sum of their results.
// Each goroutine watches the deadline itself: no other goroutine has to be
// scheduled to stop them, so the run ends on time even with far more
// goroutines than processors.
func timed(n int, deadline time.Time, body func(id int, deadline time.Time) int64) int64 {
	var (
		total atomic.Int64
		wg    sync.WaitGroup
	)
	for id := range n {
		wg.Go(func() { total.Add(body(id, deadline)) })
	}
	wg.Wait()
	return total.Load()
}

// chunks calls f on successive chunks of the corpus, starting at a place
// that depends on id so that goroutines do not march in step, until the
// deadline. It does at least one chunk, even when the goroutine first ran
// after the deadline: a measurement of zero units would say nothing.
func chunks(id, size int, deadline time.Time, f func([]byte)) {
	pos := (id * 997) % len(corpus)
	for {
		end := min(pos+size, len(corpus))
		f(corpus[pos:end])
		if pos = end; pos == len(corpus) {
			pos = 0
		}
		if time.Now().After(deadline) {
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

func calibration(n int, deadline time.Time) (int64, error) {
	return timed(n, deadline, func(id int, deadline time.Time) int64 {
		var local [26]int64
		var k int64
		chunks(id, 256, deadline, func(b []byte) {
			for _, c := range b {
				if i := letterIndex(c); i >= 0 {
					local[i]++
					k++
				}
			}
		})
		var sum int64
		for _, v := range local {
			sum += v
		}
		if sum != k {
			panic("lab: calibration lost a count") // cannot happen: no sharing
		}
		return k
	}), nil
}

func lettersLockPerUpdate(n int, deadline time.Time) (int64, error) {
	var (
		mu     syncx.Mutex
		counts [26]int64
	)
	units := timed(n, deadline, func(id int, deadline time.Time) int64 {
		var k int64
		chunks(id, 256, deadline, func(b []byte) {
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
	return units, checkCounts(counts[:], units)
}

func lettersMergeLocal(n int, deadline time.Time) (int64, error) {
	var (
		mu     syncx.Mutex
		counts [26]int64
	)
	units := timed(n, deadline, func(id int, deadline time.Time) int64 {
		var k int64
		chunks(id, 4096, deadline, func(b []byte) {
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
	return units, checkCounts(counts[:], units)
}

func lettersAtomics(n int, deadline time.Time) (int64, error) {
	var counts [26]atomic.Int64
	units := timed(n, deadline, func(id int, deadline time.Time) int64 {
		var k int64
		chunks(id, 256, deadline, func(b []byte) {
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
	return units, checkCounts(plain[:], units)
}

func lettersMessages(n int, deadline time.Time) (int64, error) {
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
	units := timed(n, deadline, func(id int, deadline time.Time) int64 {
		var k int64
		chunks(id, 64, deadline, func(b []byte) {
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
	return units, checkCounts(counts[:], units)
}

const (
	mapKeys    = 4096
	writeEvery = 64
	readKeys   = 512
)

func rwMap(p syncx.Policy) Body {
	return func(n int, deadline time.Time) (int64, error) {
		rw := syncx.NewRWMutex(p)
		m := make(map[int]int, mapKeys)
		for k := range mapKeys {
			m[k] = k
		}
		var writes atomic.Int64
		units := timed(n, deadline, func(id int, deadline time.Time) int64 {
			var ops int64
			k := id * 131
			sink := 0
			for ops == 0 || !time.Now().After(deadline) { // at least one operation
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
			return units, fmt.Errorf("lost writes: %d made, map shows %d", writes.Load(), total)
		}
		return units, nil
	}
}

// pipelineFanOut returns a workload that streams the corpus in messages of
// size bytes through a fan-out stage.
func pipelineFanOut(size int) Body {
	return func(n int, deadline time.Time) (int64, error) {
		return pipeline(size, n, deadline)
	}
}

// pipeline streams messages until the producer sees the deadline; the
// stages then drain and close in order, so no goroutine has to be
// scheduled to cancel the others.
func pipeline(size, n int, deadline time.Time) (int64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	text := repeatedCorpus
	lines := func(yield func([]byte) bool) {
		for pos, i := 0, 0; ; pos, i = (pos+size)%(len(text)-size), i+1 {
			if !yield(text[pos : pos+size]) {
				return
			}
			if i%16 == 15 && time.Now().After(deadline) {
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
	results := chans.ParallelMap(ctx, chans.FromSeq(ctx, iter.Seq[[]byte](lines)), n, count)
	var items int64
	for range results {
		items++
	}
	// ParallelMap closed results: every stage has stopped.
	return items, nil
}
