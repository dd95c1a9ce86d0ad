package scale

import (
	"fmt"
	"math"
	"strings"
)

// Analysis is what Analyze concludes from a series of samples.
type Analysis struct {
	// Levels holds one entry per distinct N, in increasing N.
	Levels []Level
	// X1 is the throughput speed-up is relative to: the median at N = 1
	// when X1Measured, otherwise the USL's fitted λ.
	X1         float64
	X1Measured bool
	// Procs is the most processors any level could use; Scaling counts the
	// levels that measure scaling (not oversubscribed). Only they are fitted.
	Procs   float64
	Scaling int
	// USL is fitted to the throughput of every repetition at the scaling
	// levels; Amdahl is fitted to their speed-up, anchored at X(1) (or to
	// throughput with λ free when N = 1 was not measured).
	USL, Amdahl ModelFit
	// Best is the index in Levels of the scaling level with the highest
	// median throughput.
	Best int
	// Fall reports that a scaling level after Best was measured below it
	// beyond the spread of both (every repetition lower).
	Fall bool
	// Peak is the USL's predicted peak and whether the data support it.
	Peak Peak
	// Regime is the verdict: which law the data show, if any.
	Regime Regime
	// Caveats are the limits of what these measurements can show, in plain
	// words, for a report to print beside the numbers.
	Caveats []string
}

// Peak is the concurrency at which the fitted USL predicts the highest
// throughput.
type Peak struct {
	N, X float64 // N is +Inf when the model has no peak (κ = 0)
	// InRange reports that N lies within the measured scaling levels.
	InRange bool
	// Supported reports that the data back the peak: the USL fits with a
	// spare degree of freedom, κ is determined, the peak is in range and
	// a fall after it was measured.
	Supported bool
}

// Regime is the verdict of an analysis.
type Regime int

const (
	// Undetermined: the data cannot tell (too few scaling levels, spread
	// too large, or no model fits).
	Undetermined Regime = iota
	// Linear: throughput grows in proportion to the processors measured.
	Linear
	// NoSpeedup: even the most favourable reading of the repetitions is
	// under 1.15x at every level.
	NoSpeedup
	// Contention: a serial fraction σ caps the speed-up at 1/σ (Amdahl);
	// no coherency cost is shown.
	Contention
	// Coherency: besides contention, a cost that grows with every pair of
	// workers (κ > 0) bends the curve; its predicted peak lies beyond the
	// measured levels.
	Coherency
	// Retrograde: throughput peaks inside the measured range and was
	// measured falling after it.
	Retrograde
)

var regimeNames = [...]string{"undetermined", "linear", "no speed-up", "contention", "coherency", "retrograde"}

func (r Regime) String() string {
	if int(r) < len(regimeNames) {
		return regimeNames[r]
	}
	return fmt.Sprintf("Regime(%d)", int(r))
}

// Analyze computes per-level statistics, speed-up, per-processor efficiency
// and Karp–Flatt, fits the USL and Amdahl's law with uncertainty to the
// levels that measure scaling, and gives a verdict that claims only what the
// data support:
//
//   - levels with more goroutines than processors (N > Procs) are shown but
//     not fitted, since time-sharing is not contention;
//   - no peak or coherency claim is made from a fit without a spare degree
//     of freedom, or from a coefficient whose margin of error exceeds it;
//   - a fall is stated only when it was measured beyond the spread.
//
// It returns an error wrapping ErrNonPositive for a non-positive or
// non-finite value, or ErrTooFewPoints when there are no samples. Fewer
// levels than a model needs are not an error: that fit's Err says why, and
// the Regime is Undetermined when nothing can be said.
func Analyze(samples []Sample) (Analysis, error) {
	ls, err := mergeLevels(samples)
	if err != nil {
		return Analysis{}, err
	}
	a := Analysis{Levels: ls}
	obs := observations(samples, ls)
	var over []string
	for _, l := range ls {
		a.Procs = math.Max(a.Procs, l.Procs)
		if l.Oversubscribed {
			over = append(over, fmt.Sprintf("%g", l.N))
		} else {
			a.Scaling++
		}
	}
	a.USL = fitUSLObs(obs)
	if ls[0].N == 1 && !ls[0].Oversubscribed {
		a.X1, a.X1Measured = ls[0].Median, true
		mean, rel := meanAndNoise(samples, 1)
		if math.IsNaN(rel) {
			rel = pooledNoise(a.USL)
		}
		a.Amdahl = fitAmdahlAnchored(obs, mean, rel)
	} else {
		a.Amdahl = fitAmdahlFree(obs)
		a.X1 = a.USL.Model.Lambda
		if a.USL.Err != nil {
			a.X1 = a.Amdahl.Model.Lambda
		}
	}
	x1Low, x1High := a.X1, a.X1
	if a.X1Measured {
		x1Low, x1High = ls[0].Low, ls[0].High
	}
	for i := range a.Levels {
		l := &a.Levels[i]
		if a.X1 > 0 {
			l.Speedup = l.Median / a.X1
			l.SpeedupLow, l.SpeedupHigh = l.Low/x1High, l.High/x1Low
		} else {
			l.Speedup, l.SpeedupLow, l.SpeedupHigh = math.NaN(), math.NaN(), math.NaN()
		}
		l.Efficiency = l.Speedup / l.Procs
		l.KarpFlatt = KarpFlatt(l.Speedup, l.Procs)
	}
	a.best()
	a.peak()
	a.Regime = a.verdict()
	if len(over) > 0 {
		a.Caveats = append(a.Caveats, fmt.Sprintf("N=%s: more goroutines than the %g processors they could use; shown as oversubscription, not fitted",
			strings.Join(over, ", "), a.Procs))
	}
	a.caveats()
	return a, nil
}

// meanAndNoise returns the mean of the repetitions at N = n and the relative
// standard error of that mean (NaN with one repetition).
func meanAndNoise(samples []Sample, n float64) (mean, rel float64) {
	var xs []float64
	for _, s := range samples {
		if s.N == n {
			xs = append(xs, s.X...)
		}
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, math.NaN()
	}
	v := 0.0
	for _, x := range xs {
		v += (x - mean) * (x - mean)
	}
	v /= float64(len(xs) - 1)
	return mean, math.Sqrt(v/float64(len(xs))) / mean
}

// pooledNoise is the relative noise of one repetition estimated from the
// other levels, for an X(1) measured once; 0 when unknown.
func pooledNoise(f ModelFit) float64 {
	if math.IsNaN(f.Noise) || f.Err != nil {
		return 0
	}
	return f.Noise
}

func (a *Analysis) best() {
	a.Best = -1
	for i, l := range a.Levels {
		if !l.Oversubscribed && (a.Best < 0 || l.Median > a.Levels[a.Best].Median) {
			a.Best = i
		}
	}
	if a.Best < 0 {
		a.Best = 0
		return
	}
	b := a.Levels[a.Best]
	for _, l := range a.Levels[a.Best+1:] {
		if !l.Oversubscribed && l.High < b.Low {
			a.Fall = true
		}
	}
}

func (a *Analysis) peak() {
	m := a.USL.Model
	a.Peak = Peak{N: math.Inf(1), X: math.NaN()}
	if a.USL.Err != nil {
		return
	}
	a.Peak.N = m.Peak()
	if !math.IsInf(a.Peak.N, 1) {
		a.Peak.X = m.Throughput(a.Peak.N)
	}
	lo, hi := math.Inf(1), 0.0
	for _, l := range a.Levels {
		if !l.Oversubscribed {
			lo, hi = math.Min(lo, l.N), math.Max(hi, l.N)
		}
	}
	a.Peak.InRange = a.Peak.N >= lo && a.Peak.N <= hi
	a.Peak.Supported = a.Peak.InRange && a.USL.Adequate && a.USL.Kappa.Determined() && a.Fall
}

// verdict picks the regime the evidence supports, most specific first.
func (a *Analysis) verdict() Regime {
	if a.Scaling < 2 || a.X1 <= 0 {
		return Undetermined
	}
	top := a.Levels[0]
	bestHigh := 0.0
	for _, l := range a.Levels {
		if !l.Oversubscribed {
			top = l
			bestHigh = math.Max(bestHigh, l.SpeedupHigh)
		}
	}
	if a.Peak.Supported {
		return Retrograde
	}
	if bestHigh < 1.15 {
		return NoSpeedup
	}
	if top.SpeedupLow <= 1 {
		return Undetermined // the spread hides whether there is any speed-up
	}
	am := a.Amdahl
	if am.Err == nil {
		// Linear when even the upper end of σ's interval costs under 10%
		// of the ideal at the largest level, or when even the least
		// favourable reading of that level is 90% efficient.
		if hi := am.Sigma.High; !math.IsNaN(hi) && hi*(top.Procs-1) <= 0.1 {
			return Linear
		}
		if top.SpeedupLow/top.Procs >= 0.9 {
			return Linear
		}
	}
	coherent := a.USL.Err == nil && a.USL.Adequate && a.USL.Kappa.Determined()
	// Amdahl's law suffices unless it misses the levels by more than their
	// noise while the USL, with a determined κ, does not.
	amdahlWithinNoise := am.Misfit <= 3*am.Noise
	if coherent && am.SpareDoF >= 1 && !amdahlWithinNoise {
		return Coherency
	}
	if am.Err == nil && (am.Adequate || am.SpareDoF == 0) && am.Sigma.Determined() {
		return Contention
	}
	if coherent {
		return Coherency
	}
	return Undetermined
}

func (a *Analysis) caveats() {
	add := func(format string, args ...any) { a.Caveats = append(a.Caveats, fmt.Sprintf(format, args...)) }
	if a.Scaling < 2 {
		add("only %d level measures scaling: nothing about speed-up can be shown; measure on more processors", a.Scaling)
	}
	if !a.X1Measured {
		add("N=1 was not measured: speed-up is relative to the USL's fitted λ, not to a measurement")
	}
	for _, l := range a.Levels {
		if l.Oversubscribed || l.N == 1 {
			continue
		}
		if effect := math.Abs(l.Speedup - 1); l.Spread/2 > effect {
			add("at N=%g the spread of the repetitions (±%.0f%%) is larger than the change from N=1 (%+.0f%%)", l.N, 50*l.Spread, 100*(l.Speedup-1))
		}
		if l.SpeedupLow/l.Procs > 1.05 {
			add("super-linear at N=%g (%.0f%% per processor): caches, turbo or a workload that changes with N; do not read it as scalability", l.N, 100*l.Efficiency)
		}
	}
	switch {
	case a.USL.Err != nil:
		// A USL needs three levels; say so only if there is something to fit.
		if a.Scaling >= 2 {
			add("the USL needs 3 scaling levels, %d measured: coherency cost and peak cannot be estimated", a.Scaling)
		}
	case a.USL.SpareDoF < 1:
		add("the USL has as many coefficients as levels (%d): it passes through them, so its fit says nothing about the shape; no peak is claimed", a.USL.Levels)
	case !a.USL.Adequate:
		add("the USL misses the measured levels by %.0f%% (noise %.0f%%): its coefficients do not describe this curve", 100*a.USL.Misfit, 100*a.USL.Noise)
	}
	if a.Amdahl.Err == nil && a.Amdahl.SpareDoF >= 1 && !a.Amdahl.Adequate {
		add("Amdahl's law misses the measured levels by %.0f%%: a constant serial fraction does not describe this curve", 100*a.Amdahl.Misfit)
	}
	if a.Amdahl.Err == nil && a.Amdahl.SpareDoF == 0 && a.Scaling >= 2 {
		add("one level beyond N=1: the serial fraction rests on it alone and whether it stays constant cannot be checked")
	}
	if a.USL.Err == nil && a.USL.SpareDoF >= 1 && !math.IsInf(a.Peak.N, 1) && !a.Peak.InRange {
		add("the USL's peak (N≈%.0f) lies outside the measured levels: an extrapolation, not a measurement", a.Peak.N)
	}
}
