// Scoreboard shows what the policy of a readers–writer lock decides: who waits
// when readers and writers compete.
//
// A game keeps its scoreboard in shared memory. Many client goroutines read it
// all the time and one game-master goroutine updates it now and then, so an
// RWMutex lets the readers overlap. But while readers overlap without pause,
// the read lock is never free. Under syncx.ReaderPreferring new readers enter
// even while the writer waits, so the writer waits until the readers stop:
// writer starvation. Under WriterPreferring (the policy of sync.RWMutex) a
// waiting writer holds back new readers, and under Fair everyone is served in
// arrival order; either way the writer waits only for the readers already
// inside. The program prints, for each policy, the reads and writes done and
// the longest wait of the writer.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/concurkit/concur/syncx"
)

func main() {
	var cfg config
	flag.IntVar(&cfg.readers, "readers", 1000, "client goroutines reading the scoreboard")
	flag.DurationVar(&cfg.hold, "hold", 2*time.Millisecond, "how long a client holds the read lock")
	flag.DurationVar(&cfg.every, "every", 20*time.Millisecond, "pause between two updates")
	flag.DurationVar(&cfg.duration, "duration", 300*time.Millisecond, "how long the clients keep reading")
	flag.Parse()
	cfg.writes = int(cfg.duration / cfg.every)
	run(os.Stdout, cfg)
}

// config describes one game.
type config struct {
	readers  int           // client goroutines
	hold     time.Duration // each read holds the read lock this long
	duration time.Duration // the clients read for this long, back to back
	writes   int           // updates made by the game master
	every    time.Duration // pause before each update
}

// result is what one game measured.
type result struct {
	reads, writes int
	longestWait   time.Duration // the longest a Lock call of the writer took
}

// scoreboard is the shared game state.
type scoreboard struct {
	mu     *syncx.RWMutex
	round  int
	scores [8]int
}

// play runs one game with an RWMutex of the given policy. The clients start
// staggered over one hold period, so at every moment some of them hold the
// read lock: the lock is never free for a writer unless new readers are held
// back. It uses only time.Now and time.Sleep, so a test can run it in a
// testing/synctest bubble with fake time.
func play(policy syncx.Policy, cfg config) result {
	sb := &scoreboard{mu: syncx.NewRWMutex(policy)}
	start := time.Now()
	var (
		wg    syncx.WaitGroup
		mu    syncx.Mutex // guards reads
		reads int
		res   result
	)
	for i := range cfg.readers {
		wg.Go(func() {
			time.Sleep(cfg.hold * time.Duration(i) / time.Duration(cfg.readers))
			n := 0
			for time.Since(start) < cfg.duration {
				sb.mu.RLock()
				_ = sb.scores[i%len(sb.scores)] // look at the board
				time.Sleep(cfg.hold)
				sb.mu.RUnlock()
				n++
			}
			mu.Lock()
			reads += n
			mu.Unlock()
		})
	}
	wg.Go(func() {
		for range cfg.writes {
			time.Sleep(cfg.every)
			asked := time.Now()
			sb.mu.Lock()
			res.longestWait = max(res.longestWait, time.Since(asked))
			sb.round++
			sb.scores[sb.round%len(sb.scores)] += 10
			sb.mu.Unlock()
			res.writes++
		}
	})
	wg.Wait()
	res.reads = reads
	return res
}

// run plays one game per policy and prints what each measured.
func run(w io.Writer, cfg config) map[syncx.Policy]result {
	fmt.Fprintf(w, "%d readers holding the lock %v each, back to back for %v; %d updates, one every %v\n",
		cfg.readers, cfg.hold, cfg.duration, cfg.writes, cfg.every)
	fmt.Fprintf(w, "%-17s %9s %7s %20s\n", "policy", "reads", "writes", "longest writer wait")
	results := map[syncx.Policy]result{}
	for _, p := range []syncx.Policy{syncx.ReaderPreferring, syncx.WriterPreferring, syncx.Fair} {
		r := play(p, cfg)
		results[p] = r
		verdict := ""
		if r.longestWait > cfg.duration/2 {
			verdict = "  <- writer starved until the readers stopped"
		}
		fmt.Fprintf(w, "%-17v %9d %7d %20v%s\n", p, r.reads, r.writes, r.longestWait.Round(time.Millisecond), verdict)
	}
	return results
}
