package experiments

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/concurkit/concur/scale"
)

// Names of the series of the Amdahl vs Gustafson experiment.
const (
	strongTime    = "strong scaling: time (fixed work)"
	weakTime      = "weak scaling: time (work grows with N)"
	StrongSpeedup = "strong scaling: speed-up"
	WeakSpeedup   = "weak scaling: scaled speed-up"
)

// designSerial is the share of the one-worker run that the kernel does on
// one goroutine before the parallel part starts.
const designSerial = 0.3

// Keys of Result.Derived for the Amdahl vs Gustafson experiment.
const (
	DerivedAmdahlSerial    = "Amdahl serial fraction (fitted to strong scaling)"
	DerivedGustafsonSerial = "Gustafson serial fraction (fitted to weak scaling)"
	DerivedDesignSerial    = "serial fraction of the one-worker run, by construction"
	DerivedFitUpTo         = "largest N in the fits (N <= cores)"
)

func scaling() Experiment {
	return Experiment{
		Name:  "exp/amdahl-gustafson",
		Short: "Amdahl vs Gustafson: strong and weak scaling of one kernel",
		Title: fmt.Sprintf("one CPU-bound kernel (xorshift rounds) with a serial part of %.0f%% of its one-worker time, run at N = 1, 2, 4, … workers (GOMAXPROCS = min(N, cores)) "+
			"with fixed total work (strong scaling) and with the parallel work growing with N (weak scaling)", 100*designSerial),
		Hypothesis: "Amdahl: for a fixed problem the speed-up is bounded by 1/s, s the serial fraction. " +
			"Gustafson: when the problem grows with the machine the scaled speed-up N − s(N−1) keeps growing. Both describe the same code.",
		Run:     runScaling,
		Verdict: scalingVerdict,
	}
}

// spin does n rounds of xorshift, work no compiler can skip.
func spin(n int) uint64 {
	x := uint64(88172645463325252)
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

var sink atomic.Uint64

// kernel runs serial rounds on one goroutine, then parallel rounds split
// evenly over n goroutines, and returns the time and the rounds done.
func kernel(serial, parallel, n int) (time.Duration, int) {
	var (
		done atomic.Int64
		wg   sync.WaitGroup
	)
	t0 := time.Now()
	sink.Add(spin(serial))
	done.Add(int64(serial))
	for i := range n {
		share := parallel / n
		if i < parallel%n {
			share++
		}
		wg.Go(func() {
			sink.Add(spin(share))
			done.Add(int64(share))
		})
	}
	wg.Wait()
	return time.Since(t0), int(done.Load())
}

func scalingLevels() []int {
	top := min(64, max(2, 2*runtime.NumCPU()))
	var l []int
	for n := 1; n < top; n *= 2 {
		l = append(l, n)
	}
	return append(l, top)
}

func runScaling(ctx context.Context, cfg Config) (Result, error) {
	w := cfg.scaled(10_000_000, 1000)
	serial := int(designSerial * float64(w))
	par := w - serial
	levels := scalingLevels()
	cores := runtime.NumCPU()
	r := Result{Experiment: "exp/amdahl-gustafson", Cores: cores, Derived: map[string]float64{DerivedDesignSerial: designSerial}}
	st, wt := make([]Point, len(levels)), make([]Point, len(levels))
	for i, n := range levels {
		st[i] = Point{N: float64(n), Procs: min(n, cores)}
		wt[i] = st[i]
	}
	for range cfg.reps() {
		for i, n := range levels {
			if err := ctx.Err(); err != nil {
				return r, err
			}
			err := withProcs(min(n, cores), func() error {
				el, got := kernel(serial, par, n)
				if got != w {
					return fmt.Errorf("strong scaling at N=%d did %d rounds, want %d", n, got, w)
				}
				st[i].Values = append(st[i].Values, el.Seconds())
				el, got = kernel(serial, par*n, n)
				if want := serial + par*n; got != want {
					return fmt.Errorf("weak scaling at N=%d did %d rounds, want %d", n, got, want)
				}
				wt[i].Values = append(wt[i].Values, el.Seconds())
				return nil
			})
			if err != nil {
				return r, err
			}
		}
	}
	// Speed-ups pair each repetition with the one-worker run of the same
	// repetition, measured moments before, so slow drift of the machine's
	// load cancels.
	ss, ws := make([]Point, len(levels)), make([]Point, len(levels))
	for i, n := range levels {
		ss[i] = Point{N: float64(n), Procs: st[i].Procs}
		ws[i] = ss[i]
		scaledWork := designSerial + (1-designSerial)*float64(n) // in units of the one-worker work
		for k := range st[i].Values {
			ss[i].Values = append(ss[i].Values, st[0].Values[k]/st[i].Values[k])
			ws[i].Values = append(ws[i].Values, scaledWork*wt[0].Values[k]/wt[i].Values[k])
		}
	}
	mean := "workers"
	r.Series = []Series{
		{Name: strongTime, Unit: "s/run", NMeaning: mean, Points: st},
		{Name: weakTime, Unit: "s/run", NMeaning: mean, Points: wt},
		{Name: StrongSpeedup, Unit: "x", NMeaning: mean, Points: ss},
		{Name: WeakSpeedup, Unit: "x", NMeaning: mean, Points: ws},
	}
	var fitS, fitW []Point
	for i, n := range levels {
		if n <= cores {
			fitS, fitW = append(fitS, ss[i]), append(fitW, ws[i])
			r.Derived[DerivedFitUpTo] = float64(n)
		}
	}
	r.Derived[DerivedAmdahlSerial] = fitAmdahlSpeedups(fitS)
	r.Derived[DerivedGustafsonSerial] = fitGustafsonSpeedups(fitW)
	r.Facts = append(r.Facts, fmt.Sprintf("every run did exactly the rounds asked for: %d at every N with fixed work, %d + %d·N with growing work", w, serial, par))
	return r, nil
}

// fitAmdahlSpeedups fits 1/S = s + (1-s)/N by least squares in s over the
// median speed-ups at N > 1 (NaN with none): linear in s, so no iteration.
func fitAmdahlSpeedups(ps []Point) float64 {
	var num, den float64
	for _, p := range ps {
		if p.N <= 1 {
			continue
		}
		a := 1 - 1/p.N
		num += a * (1/p.Median() - 1/p.N)
		den += a * a
	}
	return clamp01(num / den)
}

// fitGustafsonSpeedups fits S = N - s(N-1) by least squares in s over the
// median scaled speed-ups at N > 1 (NaN with none).
func fitGustafsonSpeedups(ps []Point) float64 {
	var num, den float64
	for _, p := range ps {
		if p.N <= 1 {
			continue
		}
		a := p.N - 1
		num += a * (p.N - p.Median())
		den += a * a
	}
	return clamp01(num / den)
}

func clamp01(v float64) float64 {
	if math.IsNaN(v) {
		return v
	}
	return min(1, max(0, v))
}

func scalingVerdict(r Result) Verdict {
	ss, ws := r.SeriesNamed(StrongSpeedup), r.SeriesNamed(WeakSpeedup)
	top := r.Derived[DerivedFitUpTo]
	if ss == nil || ws == nil {
		return Verdict{Outcome: Inconclusive, Text: "the run measured too little to judge"}
	}
	sa, sg := r.Derived[DerivedAmdahlSerial], r.Derived[DerivedGustafsonSerial]
	var b strings.Builder
	if top < 2 {
		fmt.Fprintf(&b, "Not testable on this machine: with %d core no two workers ever run at once. %s", r.Cores, whyTheyDisagree)
		return Verdict{Outcome: Untestable, Text: b.String()}
	}
	sp, wp := ss.At(top), ws.At(top)
	cmp := compare("weak", *wp, "strong", *sp)
	v := Verdict{Ratios: []Ratio{cmp}}
	fmt.Fprintf(&b, "Measured at N=%g (= cores): strong-scaling speed-up %s, weak-scaling scaled speed-up %s. "+
		"Fitted up to N=%g: Amdahl serial fraction %.2f (speed-up limit %.1fx), Gustafson serial fraction %.2f; the kernel's serial part is %.2f of the one-worker run by construction. ",
		top, spreadText(*sp, sig3x), spreadText(*wp, sig3x), top, sa, 1/sa, sg, designSerial)
	switch {
	case cmp.Distinct && cmp.Median > 1 && math.Abs(sa-designSerial) < 0.15:
		v.Outcome = Supported
		fmt.Fprintf(&b, "Supported: the grown problem scales further than the fixed one (weak/strong %s) beyond the spread, and the fixed one follows Amdahl's law with about the serial part built in", cmp.Range())
	case cmp.Distinct && cmp.Median < 1:
		v.Outcome = Contradicted
		fmt.Fprintf(&b, "Contradicted: the grown problem scaled worse than the fixed one (weak/strong %s)", cmp.Range())
	default:
		v.Outcome = Inconclusive
		fmt.Fprintf(&b, "Inconclusive: weak/strong %s overlaps, or the fitted serial fraction is far from the one built in", cmp.Range())
		if st := r.SeriesNamed(strongTime); st != nil {
			b.WriteString(noiseNote("the one-worker run alone", st.Points[0]))
		}
	}
	if top <= 2 {
		fmt.Fprintf(&b, "; with only %d cores the two laws part by at most (2−s)(1+s)/2 ≈ %.0f%% at N=2 (Amdahl %.2fx, Gustafson %.2fx for s=%.1f): a machine with more cores shows Amdahl's ceiling and Gustafson's line apart",
			r.Cores, 100*((2-designSerial)*(1+designSerial)/2-1), scale.Amdahl(designSerial, 2), scale.Gustafson(designSerial, 2), designSerial)
	}
	b.WriteString(". ")
	b.WriteString(whyTheyDisagree)
	v.Text = b.String()
	return v
}

// whyTheyDisagree is the one sentence that reconciles the two laws.
const whyTheyDisagree = "Why the laws disagree about the same code: Amdahl's serial fraction is a share of the one-worker run of a fixed problem, so it caps the speed-up at 1/s; " +
	"Gustafson's is a share of the N-worker run, whose parallel part grows with N while the serial part stays the same, so the speed-up keeps growing."

func sig3x(v float64) string { return sig3(v) + "x" }
