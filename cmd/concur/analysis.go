package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/concurkit/concur/scale"
)

// row is one concurrency level of a measured series.
type row struct {
	N          float64
	Procs      int // GOMAXPROCS used, 0 when unknown
	X          float64
	Speedup    float64
	Efficiency float64
	KarpFlatt  float64 // NaN at N = 1
}

// analysis is everything concur reports about one series of measurements.
type analysis struct {
	Name, Desc string
	Unit       string // of throughput, e.g. "letters/s"
	Points     []scale.Point
	Rows       []row
	Baseline   string  // what speed-up is relative to
	BaseX      float64 // the throughput speed-up is relative to
	USL        scale.Fit
	Amdahl     scale.Fit
	Sentence   string
}

// series is the input of analyse.
type series struct {
	name, desc string
	unit       string
	cause      string // what serialises the work, for the explaining sentence
	points     []scale.Point
	procs      map[float64]int // GOMAXPROCS per N, if known
	cores      int             // cores present, if the series ran on this machine
}

// analyse fits the USL and Amdahl's law to the series and builds the table
// and the sentence; it fails when the points cannot determine a fit.
func analyse(s series) (*analysis, error) {
	usl, err := scale.FitUSLReport(s.points)
	if err == nil {
		var amdahl scale.Fit
		amdahl, err = scale.FitAmdahlReport(s.points)
		if err == nil {
			return newAnalysis(s, usl, amdahl), nil
		}
	}
	// The package prefix "scale:" would read as the command of that name.
	return nil, fmt.Errorf("%s: %s", s.name, strings.TrimPrefix(err.Error(), "scale: "))
}

func newAnalysis(s series, usl, amdahl scale.Fit) *analysis {
	a := &analysis{Name: s.name, Desc: s.desc, Unit: s.unit, Points: s.points, USL: usl, Amdahl: amdahl}

	// Mean throughput per level: -count and repeated runs give several.
	sum := map[float64]float64{}
	cnt := map[float64]int{}
	for _, p := range s.points {
		sum[p.N] += p.X
		cnt[p.N]++
	}
	base, ok := sum[1]/float64(cnt[1]), cnt[1] > 0
	a.Baseline = "X(1)"
	if !ok {
		base = usl.Model.Lambda
		a.Baseline = "fitted lambda"
	}
	for n := range sum {
		x := sum[n] / float64(cnt[n])
		sp := x / base
		a.Rows = append(a.Rows, row{N: n, Procs: s.procs[n], X: x, Speedup: sp, Efficiency: sp / n, KarpFlatt: scale.KarpFlatt(sp, n)})
	}
	a.BaseX = base
	slices.SortFunc(a.Rows, func(p, q row) int { return cmp.Compare(p.N, q.N) })
	a.Sentence = explain(s, a)
	return a
}

// explain writes the one sentence that says what limits the series.
func explain(s series, a *analysis) string {
	cause := s.cause
	if cause == "" {
		cause = "the serial part"
	}
	serial := a.Amdahl.Model.Sigma
	last := a.Rows[len(a.Rows)-1]
	var b strings.Builder
	switch {
	case serial < 0.01:
		fmt.Fprintf(&b, "serial fraction %.3f: %s costs almost nothing, so throughput keeps growing (%.1fx at N=%g)", serial, cause, last.Speedup, last.N)
	case serial > 0.95 || a.limitValue() < 1.1:
		fmt.Fprintf(&b, "serial fraction %.2f: %s serialises the work, so more goroutines bring no speed-up", serial, cause)
	default:
		fmt.Fprintf(&b, "serial fraction %.2f: %s bounds speed-up below %s", serial, cause, a.limit())
	}
	m := a.USL.Model
	if peak := m.Peak(); m.Kappa > 0 && peak < 4*last.N {
		switch {
		case peak < 1.5:
			fmt.Fprintf(&b, ", and coherency cost (kappa %.2g) makes every added goroutine slow it down", m.Kappa)
		case peak < last.N:
			fmt.Fprintf(&b, ", and coherency cost (kappa %.2g) makes throughput fall beyond N≈%.0f", m.Kappa, peak)
		default:
			fmt.Fprintf(&b, ", and coherency cost (kappa %.2g) caps throughput near N≈%.0f", m.Kappa, peak)
		}
	}
	if s.cores > 0 && last.N > float64(s.cores) {
		fmt.Fprintf(&b, "; beyond N=%d goroutines share %d cores, so part of the flattening is the machine", s.cores, s.cores)
	}
	b.WriteString(".")
	return b.String()
}

// writeText prints the table, the fits and the sentence.
func (a *analysis) writeText(w io.Writer) {
	fmt.Fprintf(w, "== %s", a.Name)
	if a.Desc != "" {
		fmt.Fprintf(w, ": %s", a.Desc)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	withProcs := a.Rows[0].Procs > 0
	fmt.Fprint(tw, "N\t")
	if withProcs {
		fmt.Fprint(tw, "GOMAXPROCS\t")
	}
	fmt.Fprintf(tw, "%s\tspeed-up\tefficiency\tKarp-Flatt\t\n", a.Unit)
	for _, r := range a.Rows {
		fmt.Fprintf(tw, "%g\t", r.N)
		if withProcs {
			fmt.Fprintf(tw, "%d\t", r.Procs)
		}
		fmt.Fprintf(tw, "%s\t%.2fx\t%.0f%%\t%s\t\n", si(r.X), r.Speedup, 100*r.Efficiency, fixed(r.KarpFlatt, 3))
	}
	tw.Flush()
	m := a.USL.Model
	fmt.Fprintf(w, "USL fit: sigma=%.4f kappa=%.3g lambda=%s R²=%s; predicted peak %s\n",
		m.Sigma, m.Kappa, si(m.Lambda), r2(a.USL.R2), peakText(m))
	fmt.Fprintf(w, "Amdahl fit: serial fraction %.4f (R²=%s), speed-up limit %s (speed-up relative to %s)",
		a.Amdahl.Model.Sigma, r2(a.Amdahl.R2), a.limit(), a.Baseline)
	if a.Amdahl.Model.Sigma >= 0.9995 {
		// Amdahl's law has no term for a slow-down: the fit pins the serial
		// fraction at 1 and explains nothing; say so rather than let it pass.
		fmt.Fprint(w, "; with no speed-up to explain Amdahl says nothing here, see the USL fit")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "=> %s\n\n", a.Sentence)
}

// r2 formats R², without the "-0.000" of a fit that explains nothing.
func r2(v float64) string {
	if math.Abs(v) < 5e-4 {
		v = 0
	}
	return fmt.Sprintf("%.3f", v)
}

func peakText(m scale.USL) string {
	p := m.Peak()
	switch {
	case math.IsInf(p, 1) && m.Sigma == 0:
		return "none (sigma = kappa = 0: throughput grows in proportion to N)"
	case math.IsInf(p, 1):
		return "none (kappa = 0: throughput keeps rising towards lambda/sigma)"
	case p < 1:
		return "N=1 (throughput falls from the first added goroutine)"
	}
	return fmt.Sprintf("N≈%.1f at %s", p, si(m.Throughput(p)))
}

// limit is the speed-up the Amdahl fit allows as N grows: its throughput
// ceiling lambda/serial over the baseline throughput. With X(1) measured and
// fitted exactly that is the textbook 1/serial.
func (a *analysis) limit() string {
	if v := a.limitValue(); !math.IsInf(v, 1) {
		return fmt.Sprintf("%.1fx", v)
	}
	return "none"
}

func (a *analysis) limitValue() float64 {
	m := a.Amdahl.Model
	if m.Sigma == 0 {
		return math.Inf(1)
	}
	return m.Lambda / (m.Sigma * a.BaseX)
}

func fixed(v float64, prec int) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.*f", prec, v)
}

// si formats v with 4 significant digits and an SI prefix: 12.35M.
func si(v float64) string {
	if math.Abs(v) >= 1e15 {
		return fmt.Sprintf("%.3e", v) // beyond the prefixes: keep the table narrow
	}
	for _, u := range []struct {
		f float64
		s string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(v) >= u.f {
			return trimFloat(v/u.f) + u.s
		}
	}
	return trimFloat(v)
}

func trimFloat(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return fmt.Sprintf("%.1f", v)
	case a >= 10:
		return fmt.Sprintf("%.2f", v)
	case a >= 1 || a == 0:
		return fmt.Sprintf("%.3f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

// Limit is limit for the report template.
func (a *analysis) Limit() string { return a.limit() }
