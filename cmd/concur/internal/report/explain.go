package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/concurkit/concur/cmd/concur/internal/lab"
	"github.com/concurkit/concur/scale"
)

// Explain writes the verdict: what the measurements show, in one or two
// sentences built only from the analysis and the evidence. It names a
// mechanism only where the evidence shows one, and it states a number only
// as the table shows it, so that it cannot contradict the table.
func Explain(in Input) string {
	v := explain(in)
	if in.Ceiling != nil {
		v += singleCost(in.Analysis, in.Unit, in.Ceiling)
	}
	return v
}

func explain(in Input) string {
	a := in.Analysis
	kind := in.NKind
	if kind == "" {
		kind = "goroutines"
	}
	top, ok := topScaling(a)
	if !ok || a.Scaling < 2 {
		return "The data cannot tell: fewer than two levels measure scaling on these processors."
	}
	measured := fmt.Sprintf("%.2fx [%.2f, %.2f] at N=%g on %g processors", top.Speedup, top.SpeedupLow, top.SpeedupHigh, top.N, top.Procs)
	var b strings.Builder
	if c := ceilingTop(in); c != nil && c.SpeedupHigh < 0.9*c.Procs && a.Regime != scale.Linear {
		ceiling := fmt.Sprintf("%.2fx [%.2f, %.2f] at N=%g", c.Speedup, c.SpeedupLow, c.SpeedupHigh, c.N)
		if top.SpeedupHigh >= c.SpeedupLow {
			fmt.Fprintf(&b, "Measured %s; the machine itself gave only %s to work that shares nothing (calibration), so this run cannot tell the program's limit from the machine's other load.", measured, ceiling)
			writeEvidence(&b, a, top, in)
			return b.String()
		}
	}
	switch a.Regime {
	case scale.Linear:
		fmt.Fprintf(&b, "Scales (nearly) linearly over the processors measured: %s (%s per processor).", measured, pct(top.Efficiency))
	case scale.NoSpeedup:
		if top.SpeedupHigh < 1 {
			fmt.Fprintf(&b, "Adding processors slows it down: %s.", measured)
		} else {
			fmt.Fprintf(&b, "No useful speed-up: %s.", measured)
		}
	case scale.Contention:
		s := a.Amdahl.Sigma
		lim := a.Amdahl.Limit()
		fmt.Fprintf(&b, "A serial part limits it: %s, a serial fraction of %s [%s, %s], so no number of %s can exceed %s.",
			measured, g3(s.Value), g3(s.Low), g3(s.High), kind, limitText(lim))
	case scale.Coherency:
		fmt.Fprintf(&b, "Speed-up bends more than a constant serial part explains: %s; the USL finds a coherency cost κ=%s [%s, %s] growing with every pair of %s",
			measured, g3(a.USL.Kappa.Value), g3(a.USL.Kappa.Low), g3(a.USL.Kappa.High), kind)
		if a.Peak.InRange {
			fmt.Fprintf(&b, " and puts the peak near N≈%.0f, but no level after it was measured lower beyond the spread, so the peak is not established.", a.Peak.N)
		} else {
			fmt.Fprintf(&b, " and would put the peak near N≈%.0f, beyond the data (an extrapolation).", a.Peak.N)
		}
	case scale.Retrograde:
		best := a.Levels[a.Best]
		fmt.Fprintf(&b, "Throughput peaks and then falls: the best level measured is N=%g (%.2fx) and a later level was measured lower beyond the spread; the USL puts the peak near N≈%.0f with a coherency cost κ=%s [%s, %s].",
			best.N, best.Speedup, a.Peak.N, g3(a.USL.Kappa.Value), g3(a.USL.Kappa.Low), g3(a.USL.Kappa.High))
	default:
		fmt.Fprintf(&b, "Measured %s; the data cannot tell which law limits it (%s).", measured, undeterminedWhy(a, top))
	}
	writeEvidence(&b, a, top, in)
	return b.String()
}

// writeEvidence appends to a verdict what the evidence at the top level
// says: the mechanism, the CPU cost per unit of work, and oversubscription.
func writeEvidence(b *strings.Builder, a scale.Analysis, top scale.Level, in Input) {
	for _, s := range []string{mechanism(a, top, in.Evidence, in.ProcessEvidence), cpuCost(top, in.Evidence), oversubscription(a, top)} {
		if s != "" {
			b.WriteString(" " + s)
		}
	}
}

// cpuCostRange returns how much more process CPU time a unit of work took
// at level n than at N=1, as the median ratio and the range the
// repetitions allow; ok is false without CPU counts at both levels.
func cpuCostRange(n float64, evs []lab.Evidence) (med, lo, hi float64, ok bool) {
	var one, at []float64
	for _, e := range evs {
		switch float64(e.N) {
		case 1:
			one = e.PerCPU
		case n:
			at = e.PerCPU
		}
	}
	if n == 1 {
		at = one
	}
	if len(one) == 0 || len(at) == 0 {
		return 0, 0, 0, false
	}
	one, at = slices.Sorted(slices.Values(one)), slices.Sorted(slices.Values(at))
	return median(one) / median(at), one[0] / at[len(at)-1], one[len(one)-1] / at[0], true
}

func median(s []float64) float64 {
	k := len(s)
	if k%2 == 1 {
		return s[k/2]
	}
	return (s[k/2-1] + s[k/2]) / 2
}

// cpuCost says what the CPU time per unit of work shows at the top scaling
// level, when the repetitions agree on it.
func cpuCost(top scale.Level, evs []lab.Evidence) string {
	med, lo, hi, ok := cpuCostRange(top.N, evs)
	switch {
	case !ok || top.N == 1:
		return ""
	case lo >= 1.25:
		return fmt.Sprintf("Each unit of work took %.2fx [%.2f, %.2f] the CPU time at N=%g that it took on one goroutine: the coordination itself burns processor time (spinning, cache-line traffic, hand-offs), which more cores do not give back.", med, lo, hi, top.N)
	case hi <= 1.1:
		return fmt.Sprintf("CPU time per unit of work at N=%g rose by no more than 10%% over one goroutine's (%.2fx [%.2f, %.2f]): the work did not grow with N, so any shortfall in speed-up is waiting or the machine's other load.", top.N, med, lo, hi)
	}
	return ""
}

func ceilingTop(in Input) *scale.Level {
	if in.Ceiling == nil {
		return nil
	}
	return &in.Ceiling.Top
}

// singleCost compares the throughput at N=1 with the calibration's, when
// they count the same unit: what the coordination costs with no contention
// at all. Both were measured at different moments, so only what holds for
// the most favourable pairing of their repetitions is claimed.
func singleCost(a scale.Analysis, unit string, c *Ceiling) string {
	if unit != c.Unit || !a.X1Measured || len(a.Levels) == 0 || c.One.Low <= 0 {
		return ""
	}
	one := a.Levels[0]
	best := one.High / c.One.Low // the largest ratio the repetitions allow
	if best >= 0.8 {
		return ""
	}
	return fmt.Sprintf(" On one goroutine, with no contention at all, it does %s %s against the calibration's %s: even the most favourable pairing of their runs leaves at least %.0f%% of its time to the coordination itself.",
		SI(one.Median), unit, SI(c.One.Median), 100*(1-best))
}

func limitText(lim scale.Param) string {
	if math.IsInf(lim.Value, 1) {
		return "any bound (σ = 0)"
	}
	if math.IsNaN(lim.Low) {
		return fmt.Sprintf("%.1fx", lim.Value)
	}
	hi := "∞"
	if !math.IsInf(lim.High, 1) {
		hi = fmt.Sprintf("%.1f", lim.High)
	}
	return fmt.Sprintf("%.1fx [%.1f, %s]", lim.Value, lim.Low, hi)
}

// topScaling returns the largest level that measures scaling.
func topScaling(a scale.Analysis) (scale.Level, bool) {
	var top scale.Level
	found := false
	for _, l := range a.Levels {
		if !l.Oversubscribed {
			top, found = l, true
		}
	}
	return top, found
}

func undeterminedWhy(a scale.Analysis, top scale.Level) string {
	switch {
	case top.SpeedupLow <= 1:
		return "the spread of the repetitions covers both a speed-up and none"
	case a.Amdahl.Err == nil && math.IsNaN(a.Amdahl.Sigma.Low):
		return "one run per level gives no interval for the serial fraction"
	case a.Amdahl.Err == nil && !a.Amdahl.Sigma.Determined():
		return "the serial fraction's margin of error exceeds its value"
	default:
		return "neither Amdahl's law nor the USL fits the levels within their noise"
	}
}

// mechanism names what the evidence at the top scaling level shows.
func mechanism(a scale.Analysis, top scale.Level, evs []lab.Evidence, process bool) string {
	var e *lab.Evidence
	for i := range evs {
		if float64(evs[i].N) == top.N {
			e = &evs[i]
		}
	}
	if e == nil || top.N <= 1 || e.CPUUtil == 0 || a.Regime == scale.Linear {
		return "" // no evidence recorded, or nothing lost to explain
	}
	switch {
	case e.Blocked >= 0.10 && len(e.Sites) > 0:
		return fmt.Sprintf("Evidence: at N=%d, %s of goroutine time was blocked, most in %s (%s).", e.N, pct(e.Blocked), e.Sites[0].Where, pct(e.Sites[0].Share))
	case e.GCShare >= 0.10:
		return fmt.Sprintf("Evidence: at N=%d garbage collection took %s of CPU time.", e.N, pct(e.GCShare))
	case e.CPUUtil < 0.75 && process:
		return fmt.Sprintf("Evidence: at GOMAXPROCS=%d the benchmark process kept the processors busy only %s of the time and was blocked %s in synchronisation: the benchmark runs serially for part of its time (fewer busy goroutines than processors) or waits outside synchronisation (I/O, sleep, other load on the machine).", e.N, pct(e.CPUUtil), pct(e.Blocked))
	case e.CPUUtil < 0.75:
		return fmt.Sprintf("Evidence: at N=%d the processors were busy only %s of the time and goroutines were blocked %s: time was lost outside the program's synchronisation (other load on the machine, or scheduling).", e.N, pct(e.CPUUtil), pct(e.Blocked))
	case a.Regime == scale.Contention || a.Regime == scale.NoSpeedup || a.Regime == scale.Coherency:
		return fmt.Sprintf("Evidence: at N=%d the processors were %s busy and goroutines blocked only %s: the cost is in the work itself (shared memory traffic, hand-offs that spin), not in waiting.", e.N, pct(e.CPUUtil), pct(e.Blocked))
	}
	return ""
}

// oversubscription describes the levels beyond the processors, relative to
// the top scaling level.
func oversubscription(a scale.Analysis, top scale.Level) string {
	var parts []string
	for _, l := range a.Levels {
		if l.Oversubscribed {
			parts = append(parts, fmt.Sprintf("N=%g gives %.2fx of N=%g", l.N, l.Median/top.Median, top.N))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("Beyond %g processors goroutines only time-share them (%s); that is the machine, not the program.", top.Procs, strings.Join(parts, ", "))
}
