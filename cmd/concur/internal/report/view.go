// Package report turns analysed measurements into one view model and
// renders it as text or as a self-contained HTML page. Both renderers draw
// every string from the same View, so a caveat cannot reach one and not
// the other.
package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/concurkit/concur/cmd/concur/internal/lab"
	"github.com/concurkit/concur/scale"
)

// View is a whole report.
type View struct {
	Title string
	// Machine is a line describing where the data came from.
	Machine string
	// Scope says what the machine can and cannot show; Warnings are about
	// the conditions of the measurement (a busy machine).
	Scope    []string
	Warnings []string
	Sections []Section
	Notes    []string // at the end: definitions
}

// Section is one analysed series.
type Section struct {
	Name, Desc, Unit string
	Hypothesis       string
	Columns          []string
	Rows             [][]string
	Fits             []string
	Verdict          string
	Evidence         []string
	Caveats          []string
	// Chart is the throughput chart; it has no Points (and is not drawn)
	// for a section of several self-judged parts.
	Chart Chart
	// Models, when not nil, charts self-judged parts against the laws
	// their producer fitted (an experiment's Amdahl and Gustafson curves).
	Models *ModelChart
}

// Input is what a section is built from.
type Input struct {
	Name, Desc, Unit, Hypothesis string
	Analysis                     scale.Analysis
	// Evidence per level, matched by N; may be nil.
	Evidence []lab.Evidence
	// Ceiling is what the calibration workload (nothing shared) measured in
	// the same run, when there is one.
	Ceiling *Ceiling
	// NKind names what N counts, for the verdict: "goroutines",
	// "GOMAXPROCS", "clients".
	NKind string
	// ProcessEvidence says the evidence is of a whole benchmark process
	// seen from outside (concur scale): GC share and scheduling delay are
	// not measured (GCShare is NaN), and CPU well below the processors
	// means the benchmark ran serially or waited.
	ProcessEvidence bool
}

// Ceiling is the calibration's result, against which a lab reads the
// other workloads.
type Ceiling struct {
	Top  scale.Level // its largest level that measures scaling
	One  scale.Level // its level N=1
	Unit string
}

// NewCeiling returns the ceiling shown by a calibration's analysis, or nil
// when no level beyond N=1 measured scaling.
func NewCeiling(a scale.Analysis, unit string) *Ceiling {
	if !a.X1Measured {
		return nil
	}
	for i := len(a.Levels) - 1; i >= 0; i-- {
		if l := a.Levels[i]; !l.Oversubscribed && l.N > 1 {
			return &Ceiling{Top: l, One: a.Levels[0], Unit: unit}
		}
	}
	return nil
}

// Caveat says what the calibration reached, for every later section.
func (c *Ceiling) Caveat() string {
	l := c.Top
	return fmt.Sprintf("calibration (nothing shared) reached %.2fx [%.2f, %.2f] at N=%g on this machine during this run: read speed-ups against that ceiling, not against %gx",
		l.Speedup, l.SpeedupLow, l.SpeedupHigh, l.N, l.Procs)
}

// NewSection builds the section of one analysed series.
func NewSection(in Input) Section {
	a := in.Analysis
	s := Section{Name: in.Name, Desc: in.Desc, Unit: in.Unit, Hypothesis: in.Hypothesis}
	ev := map[float64]lab.Evidence{}
	for _, e := range in.Evidence {
		ev[float64(e.N)] = e
	}
	s.Columns = []string{"N", "procs", in.Unit, "±", "speed-up", "per proc", "Karp-Flatt"}
	if len(ev) > 0 {
		s.Columns = append(s.Columns, "CPU busy", "blocked", "CPU/unit")
	}
	s.Columns = append(s.Columns, "")
	for _, l := range a.Levels {
		row := []string{fmt.Sprintf("%g", l.N), fmt.Sprintf("%g", l.Procs), SI(l.Median), "±" + pct(l.Spread/2),
			fmt.Sprintf("%.2fx", l.Speedup), pct(l.Efficiency), fixed(l.KarpFlatt, 3)}
		if len(ev) > 0 {
			e, ok := ev[l.N]
			if ok {
				row = append(row, pct(e.CPUUtil), pct(e.Blocked))
			} else {
				row = append(row, "-", "-")
			}
			if med, _, _, ok := cpuCostRange(l.N, in.Evidence); ok {
				row = append(row, fmt.Sprintf("%.2fx", med))
			} else {
				row = append(row, "-")
			}
		}
		note := ""
		switch {
		case l.Oversubscribed:
			note = "oversubscribed"
		case l.SpeedupLow/l.Procs > 1.05:
			note = "super-linear?"
		}
		s.Rows = append(s.Rows, append(row, note))
	}
	s.Fits = fitLines(a)
	s.Verdict = Explain(in)
	s.Evidence = evidenceLines(a, in.Evidence)
	s.Caveats = append(s.Caveats, a.Caveats...)
	if in.Ceiling != nil {
		s.Caveats = append(s.Caveats, in.Ceiling.Caveat())
	}
	s.Chart = makeChart(a, in.Unit)
	return s
}

func param(p scale.Param, f func(float64) string) string {
	if math.IsNaN(p.Low) {
		return f(p.Value) + " (no interval)"
	}
	return fmt.Sprintf("%s [%s, %s]", f(p.Value), f(p.Low), f(p.High))
}

func fitLines(a scale.Analysis) []string {
	var out []string
	u := a.USL
	if u.Err != nil {
		out = append(out, "USL: not fitted ("+strings.TrimPrefix(u.Err.Error(), "scale: ")+")")
	} else {
		peak := "none (κ = 0)"
		if !math.IsInf(a.Peak.N, 1) {
			peak = fmt.Sprintf("N≈%.0f", a.Peak.N)
			switch {
			case a.Peak.Supported:
				peak += " (inside the data, fall measured)"
			case a.Peak.InRange:
				peak += " (inside the data, not supported)"
			default:
				peak += " (outside the data: extrapolation)"
			}
		}
		out = append(out, fmt.Sprintf("USL: σ=%s κ=%s λ=%s; adj. R²=%s, %d spare levels, misfit %s; peak %s",
			param(u.Sigma, g3), param(u.Kappa, g3), param(u.Lambda, SI), fixed(u.AdjR2, 3), u.SpareDoF, pct(u.Misfit), peak))
	}
	am := a.Amdahl
	if am.Err != nil {
		out = append(out, "Amdahl: not fitted ("+strings.TrimPrefix(am.Err.Error(), "scale: ")+")")
	} else {
		lim := am.Limit()
		limit := "none"
		if !math.IsInf(lim.Value, 1) {
			limit = fmt.Sprintf("%.1fx", lim.Value)
			if !math.IsNaN(lim.Low) {
				hi := "∞"
				if !math.IsInf(lim.High, 1) {
					hi = fmt.Sprintf("%.1f", lim.High)
				}
				limit += fmt.Sprintf(" [%.1f, %s]", lim.Low, hi)
			}
		}
		anchor := "on speed-up relative to the measured X(1)"
		if !am.Anchored {
			anchor = "with λ free (N=1 not measured)"
		}
		line := fmt.Sprintf("Amdahl (%s): serial fraction %s, speed-up limit 1/σ = %s; %d spare levels, misfit %s",
			anchor, param(am.Sigma, g3), limit, am.SpareDoF, pct(am.Misfit))
		if am.Sigma.Value >= 0.9995 {
			// Amdahl's law has no term for a slow-down: it pins σ at 1.
			line += " (Amdahl's law cannot describe a slow-down)"
		}
		out = append(out, line)
	}
	out = append(out, "Intervals are 95%; ± is half the range of the repetitions.")
	return out
}

func evidenceLines(a scale.Analysis, evs []lab.Evidence) []string {
	var out []string
	for _, e := range evs {
		procs := "processors"
		if e.Procs == 1 {
			procs = "processor"
		}
		line := fmt.Sprintf("N=%d: CPU busy %s of %d %s, %s of goroutine time blocked", e.N, pct(e.CPUUtil), e.Procs, procs, pct(e.Blocked))
		var ss []string
		for _, s := range e.Sites {
			if s.Share >= 0.005 { // a site that rounds to 0% says nothing
				ss = append(ss, fmt.Sprintf("%s %s", pct(s.Share), s.Where))
			}
		}
		if len(ss) > 0 {
			line += " (" + strings.Join(ss, "; ") + ")"
		}
		if !math.IsNaN(e.GCShare) { // NaN: not measured
			line += fmt.Sprintf(", GC %s of CPU, median scheduling delay %s", pct(e.GCShare), duration(e.SchedLatency))
		}
		out = append(out, line)
	}
	return out
}

// Scope returns the lines that say what a machine of cores processors can
// show about levels up to maxN.
func Scope(m lab.Machine, maxN int) (scope, warnings []string) {
	scope = append(scope, fmt.Sprintf("This process may use %d processors (GOMAXPROCS %d, %d logical CPUs present). Only N ≤ %d measures scaling; larger N is shown as oversubscription (goroutines time-sharing the processors) and left out of the fits.",
		m.Cores, m.GOMAXPROCS, m.NumCPU, m.Cores))
	if m.Cores < 8 {
		scope = append(scope, fmt.Sprintf("With %d processors the lab can show whether a workload speeds up at all and what serial fraction that implies; where a curve bends or peaks beyond %d processors cannot be seen here: run on a machine with more cores for that.", m.Cores, m.Cores))
	}
	if maxN > 64*m.Cores {
		warnings = append(warnings, fmt.Sprintf("-max %d is more than 64 goroutines per processor: those levels measure the scheduler, not the workload.", maxN))
	}
	if m.LoadAvg >= 0 && m.LoadAvg > 0.5*float64(m.NumCPU) {
		warnings = append(warnings, fmt.Sprintf("The machine was busy when measuring began (load average %.2f on %d CPUs): other work competes for the processors, so expect wide spread and lower speed-ups than an idle machine gives.", m.LoadAvg, m.NumCPU))
	}
	return scope, warnings
}

// MachineLine describes the machine in one line.
func MachineLine(m lab.Machine) string {
	return fmt.Sprintf("%s; %d CPUs, %d usable, GOMAXPROCS %d; %s %s; %s; %s",
		m.CPUModel, m.NumCPU, m.Cores, m.GOMAXPROCS, m.GoVersion, m.OSArch, m.Date, m.Module)
}

// Notes are the definitions printed at the end of every report.
var Notes = []string{
	"Speed-up is relative to the median at N=1; efficiency and Karp–Flatt are per processor (a level's procs), not per goroutine.",
	"USL: X(N) = λN / (1 + σ(N−1) + κN(N−1)); Amdahl is S(N) = N / (1 + σ(N−1)), fitted to speed-up so its limit is 1/σ.",
}
