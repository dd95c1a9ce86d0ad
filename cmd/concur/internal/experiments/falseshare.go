package experiments

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Names of the series of the false-sharing experiment, one per layout.
const (
	fsPadded   = "padded counters"
	fsAdjacent = "adjacent counters"
	fsShared   = "one shared counter"
)

// padBytes separates padded counters. A cache line is 64 bytes on most
// machines, but x86 fetches lines in adjacent pairs and some arm64 cores
// have 128-byte lines, so 128 keeps padded counters apart on all of them.
const padBytes = 128

const wordBytes = int(unsafe.Sizeof(atomic.Uint64{}))

func falseSharing() Experiment {
	return Experiment{
		Name:  "exp/false-sharing",
		Short: "false sharing: adjacent vs padded counters vs one shared atomic",
		Title: "N goroutines each add 1 to their own atomic counter, with the counters adjacent in memory (in one cache line) " +
			"or padded to separate 128-byte blocks, and all N adding to one shared atomic counter; total increments per second",
		Hypothesis: "Counters that share a cache line slow each other down although no goroutine touches another's counter (false sharing): " +
			"each write needs the line exclusively in the writer's core, so the line travels between caches on every increment, " +
			"much as one truly shared counter does; padding each counter to its own line removes it.",
		Run:     runFalseSharing,
		Verdict: falseSharingVerdict,
	}
}

// counterLayouts are the three layouts measured, as strides in words
// between neighbouring counters (see counterLayout).
var counterLayouts = []struct {
	name   string
	stride int
}{{fsPadded, padBytes / wordBytes}, {fsAdjacent, 1}, {fsShared, 0}}

// counterLayout returns n counters placed stride words apart from a
// 128-byte-aligned start: stride padBytes/8 pads, 1 packs them, 0 makes
// them one counter. The Go heap does not move objects, so the alignment
// found here holds for the counters' lifetime.
func counterLayout(n, stride int) []*atomic.Uint64 {
	per := padBytes / wordBytes
	buf := make([]atomic.Uint64, n*max(stride, 1)+per)
	start := 0
	for uintptr(unsafe.Pointer(&buf[start]))%padBytes != 0 {
		start++
	}
	cs := make([]*atomic.Uint64, n)
	for i := range cs {
		cs[i] = &buf[start+i*stride]
	}
	return cs
}

func falseSharingLevels() []int {
	top := max(1, min(8, runtime.NumCPU()))
	var l []int
	for n := 1; n < top; n *= 2 {
		l = append(l, n)
	}
	return append(l, top)
}

// increment has n goroutines add 1 to their counter m times each, started
// together; it returns total increments per second.
func increment(cs []*atomic.Uint64, m int) (float64, error) {
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
	)
	for _, c := range cs {
		wg.Go(func() {
			<-start
			for range m {
				c.Add(1)
			}
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	el := time.Since(t0)
	seen := map[*atomic.Uint64]bool{}
	var sum uint64
	for _, c := range cs {
		if !seen[c] {
			seen[c] = true
			sum += c.Load()
		}
	}
	if want := uint64(len(cs) * m); sum != want {
		return 0, fmt.Errorf("counters hold %d increments, want %d", sum, want)
	}
	return float64(len(cs)*m) / el.Seconds(), nil
}

func runFalseSharing(ctx context.Context, cfg Config) (Result, error) {
	// A fixed total of increments split over the goroutines, so that a
	// many-core machine, where a contended line is slowest, still finishes
	// quickly.
	total := cfg.scaled(4_000_000, 200)
	levels := falseSharingLevels()
	r := Result{Experiment: "exp/false-sharing", Cores: runtime.NumCPU(), Derived: map[string]float64{}}
	layouts := counterLayouts
	pts := make([][]Point, len(layouts))
	for j := range layouts {
		for _, n := range levels {
			pts[j] = append(pts[j], Point{N: float64(n), Procs: runtime.GOMAXPROCS(0)})
		}
	}
	// Layouts alternate within each repetition so that a change in the
	// machine's load falls on all of them alike.
	for range cfg.reps() {
		for i, n := range levels {
			for j, l := range layouts {
				if err := ctx.Err(); err != nil {
					return r, err
				}
				x, err := increment(counterLayout(n, l.stride), total/n)
				if err != nil {
					return r, fmt.Errorf("%s at N=%d: %w", l.name, n, err)
				}
				pts[j][i].Values = append(pts[j][i].Values, x)
			}
		}
	}
	for j, l := range layouts {
		r.Series = append(r.Series, Series{Name: l.name, Unit: "increments/s", NMeaning: "goroutines", Points: pts[j]})
	}
	r.Facts = append(r.Facts, fmt.Sprintf("%d increments split over the goroutines, all counted; padded counters start on 128-byte boundaries %d bytes apart, adjacent ones %d bytes apart in one 64-byte line (up to 8 of them)",
		total, padBytes, wordBytes))
	return r, nil
}

func falseSharingVerdict(r Result) Verdict {
	p, a, s := r.SeriesNamed(fsPadded), r.SeriesNamed(fsAdjacent), r.SeriesNamed(fsShared)
	if p == nil || a == nil || s == nil {
		return Verdict{Outcome: Inconclusive, Text: "the run measured too little to judge"}
	}
	last := p.Points[len(p.Points)-1].N
	if last < 2 {
		return Verdict{Outcome: Untestable, Text: fmt.Sprintf("Not testable on this machine: with %d core the counters never sit in two caches at once, so no line can travel between them.", r.Cores)}
	}
	pa := compare("padded", *p.At(last), "adjacent", *a.At(last))
	as := compare("adjacent", *a.At(last), "shared", *s.At(last))
	v := Verdict{Ratios: []Ratio{pa, as}}
	var b strings.Builder
	fmt.Fprintf(&b, "at N=%g goroutines: padded %s, adjacent %s, one shared counter %s increments (median, min–max): padded counters do %s the increments of adjacent ones, adjacent ones %s a single shared counter",
		last, spreadText(*p.At(last), Rate), spreadText(*a.At(last), Rate), spreadText(*s.At(last), Rate), pa.Range(), as.Range())
	switch {
	case pa.Distinct && pa.Median > 1:
		v.Outcome = Supported
		b.WriteString(". Supported: the counters are private, yet packed into one cache line they run at a fraction of their padded speed, because every increment must take the line away from the other core's cache")
	case pa.Distinct && pa.Median < 1:
		v.Outcome = Contradicted
		b.WriteString(". Contradicted: padding made the private counters slower")
	default:
		v.Outcome = Inconclusive
		b.WriteString(". Inconclusive: the repetitions overlap")
		b.WriteString(noiseNote("one goroutine on padded counters", p.Points[0]))
		if r.Cores == 2 {
			// Only a possibility: the experiment cannot tell whether the
			// two CPUs are hyperthreads of one core.
			b.WriteString("; if this machine's two virtual CPUs are hyperthreads of one core, they share its cache and no line travels between them")
		}
	}
	b.WriteString(".")
	v.Text = b.String()
	return v
}
