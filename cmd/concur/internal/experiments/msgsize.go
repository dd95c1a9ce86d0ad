package experiments

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concurkit/concur/chans"
)

// Names of the series of the message-size experiment.
const (
	msgShared   = "sharing memory"
	msgMessages = "message passing"
)

// DerivedCrossover is the Result.Derived key of the smallest message size,
// in bytes, at which message passing came within 10% of sharing memory
// (absent when it never did).
const DerivedCrossover = "crossover message size (bytes)"

func messageSize() Experiment {
	return Experiment{
		Name:  "exp/message-size",
		Short: "sharing memory vs message passing, by message size",
		Title: "count the letters of a text with GOMAXPROCS workers, handing out chunks of 16 B to 64 KiB either through shared memory " +
			"(the workers claim chunks of the shared text with one atomic cursor) or as messages " +
			"(chans.FromSeq → chans.ParallelMap over the workers → one consumer); bytes counted per second by chunk size",
		Hypothesis: "Passing work as messages costs a fixed hand-off per message, so for small messages sharing memory is much faster; " +
			"as messages grow the hand-off is amortised over more work and message passing catches up (the crossover).",
		Run:     runMessageSize,
		Verdict: messageSizeVerdict,
	}
}

// text returns n bytes of words of pseudo-random letters separated by
// spaces, the same on every call, and how many letters it holds.
func text(n int) ([]byte, int) {
	b := make([]byte, n)
	x := uint32(2463534242)
	letters := 0
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		if x%7 == 0 {
			b[i] = ' '
		} else {
			b[i] = 'a' + byte(x%26)
			letters++
		}
	}
	return b, letters
}

func countLetters(b []byte) int {
	k := 0
	for _, c := range b {
		if c|0x20 >= 'a' && c|0x20 <= 'z' {
			k++
		}
	}
	return k
}

// countShared has workers claim successive chunks of size bytes with one
// atomic cursor and count them in place; it returns bytes per second.
func countShared(t []byte, size, workers, want int) (float64, error) {
	var (
		cursor, total atomic.Int64
		wg            sync.WaitGroup
	)
	t0 := time.Now()
	for range workers {
		wg.Go(func() {
			k := 0
			for {
				end := int(cursor.Add(int64(size)))
				if end-size >= len(t) {
					break
				}
				k += countLetters(t[end-size : min(end, len(t))])
			}
			total.Add(int64(k))
		})
	}
	wg.Wait()
	el := time.Since(t0)
	if got := int(total.Load()); got != want {
		return 0, fmt.Errorf("counted %d letters, the text has %d", got, want)
	}
	return float64(len(t)) / el.Seconds(), nil
}

// countMessages sends chunks of size bytes through a chans pipeline with
// workers counting them; it returns bytes per second.
func countMessages(ctx context.Context, t []byte, size, workers, want int) (float64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := func(yield func([]byte) bool) {
		for i := 0; i < len(t); i += size {
			if !yield(t[i:min(i+size, len(t))]) {
				return
			}
		}
	}
	t0 := time.Now()
	got := 0
	for k := range chans.ParallelMap(ctx, chans.FromSeq(ctx, chunks), workers, countLetters) {
		got += k
	}
	el := time.Since(t0)
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if got != want {
		return 0, fmt.Errorf("counted %d letters, the text has %d", got, want)
	}
	return float64(len(t)) / el.Seconds(), nil
}

func messageSizes(total int) []int {
	var s []int
	for n := 16; n <= min(64<<10, total); n *= 4 {
		s = append(s, n)
	}
	return s
}

func runMessageSize(ctx context.Context, cfg Config) (Result, error) {
	t, want := text(cfg.scaled(2<<20, 4096))
	workers := runtime.GOMAXPROCS(0)
	sizes := messageSizes(len(t))
	r := Result{Experiment: "exp/message-size", Cores: runtime.NumCPU(), Derived: map[string]float64{}}
	sh, ms := make([]Point, len(sizes)), make([]Point, len(sizes))
	for i, s := range sizes {
		sh[i] = Point{N: float64(s), Procs: workers}
		ms[i] = sh[i]
	}
	for range cfg.reps() {
		for i, s := range sizes {
			x, err := countShared(t, s, workers, want)
			if err != nil {
				return r, fmt.Errorf("sharing memory, %d-byte chunks: %w", s, err)
			}
			sh[i].Values = append(sh[i].Values, x)
			if x, err = countMessages(ctx, t, s, workers, want); err != nil {
				return r, fmt.Errorf("message passing, %d-byte messages: %w", s, err)
			}
			ms[i].Values = append(ms[i].Values, x)
		}
	}
	r.Series = []Series{
		{Name: msgShared, Unit: "bytes/s", NMeaning: "B/message", Points: sh},
		{Name: msgMessages, Unit: "bytes/s", NMeaning: "B/message", Points: ms},
	}
	for i, s := range sizes {
		if ms[i].Median() >= 0.9*sh[i].Median() {
			r.Derived[DerivedCrossover] = float64(s)
			break
		}
	}
	r.Facts = append(r.Facts, fmt.Sprintf("%s of text with %d letters, every run counted all of them; %d workers", Bytes(float64(len(t))), want, workers))
	return r, nil
}

func messageSizeVerdict(r Result) Verdict {
	sh, ms := r.SeriesNamed(msgShared), r.SeriesNamed(msgMessages)
	if sh == nil || ms == nil || len(sh.Points) < 2 {
		return Verdict{Outcome: Inconclusive, Text: "the run measured too little to judge"}
	}
	first, last := sh.Points[0].N, sh.Points[len(sh.Points)-1].N
	small := compare("sharing", *sh.At(first), "messages", *ms.At(first))
	large := compare("sharing", *sh.At(last), "messages", *ms.At(last))
	v := Verdict{Ratios: []Ratio{small, large}}
	var b strings.Builder
	fmt.Fprintf(&b, "with %s chunks sharing memory counted %s, message passing %s (sharing/messages %s); with %s chunks %s against %s (%s)",
		Bytes(first), spreadText(*sh.At(first), byteRate), spreadText(*ms.At(first), byteRate), small.Range(),
		Bytes(last), spreadText(*sh.At(last), byteRate), spreadText(*ms.At(last), byteRate), large.Range())
	cross, found := r.Derived[DerivedCrossover]
	switch {
	case small.Distinct && small.Median > 1 && found:
		v.Outcome = Supported
		fmt.Fprintf(&b, ". Supported: the hand-off per message dominates small messages, and from %s per message on, message passing is within 10%% of sharing memory on this machine", Bytes(cross))
	case small.Distinct && small.Median > 1:
		v.Outcome = Partly
		fmt.Fprintf(&b, ". Partly: sharing memory wins for small messages, but message passing did not come within 10%% of it up to %s", Bytes(last))
	case small.Distinct && small.Median < 1:
		v.Outcome = Contradicted
		b.WriteString(". Contradicted: message passing beat sharing memory even for the smallest messages")
	default:
		v.Outcome = Inconclusive
		b.WriteString(". Inconclusive: the repetitions overlap even for the smallest messages")
	}
	b.WriteString(".")
	v.Text = b.String()
	return v
}

func byteRate(v float64) string { return Format("bytes/s", v) }
