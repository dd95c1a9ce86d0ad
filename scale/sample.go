package scale

import (
	"fmt"
	"math"
	"slices"
)

// Sample is every repetition measured at one concurrency level.
type Sample struct {
	// N is the concurrency: goroutines, threads, clients or GOMAXPROCS.
	N float64
	// Procs is the number of processors the level could actually use. N
	// goroutines on a machine of P cores have min(N, P); N independent
	// clients of a server have N. Zero means N.
	Procs float64
	// X holds the throughput of each repetition (work units per unit of
	// time), in the order measured.
	X []float64
}

// Level is the statistics of one concurrency level. Samples with the same N
// are merged into one level.
type Level struct {
	N, Procs float64
	// Reps is the number of repetitions.
	Reps int
	// Median is the median throughput; Low and High are the smallest and the
	// largest repetition. With k repetitions [Low, High] holds the true
	// median with probability 1 - 2^(1-k) (94% for 5) when the repetitions
	// are independent.
	Median, Low, High float64
	// Spread is (High - Low) / Median: 0.1 reads as "±5%".
	Spread float64
	// Speedup is Median / X(1), where X(1) is the median at N = 1 (or the
	// USL's fitted λ when N = 1 was not measured); SpeedupLow and
	// SpeedupHigh bound it using the extremes of both levels.
	Speedup, SpeedupLow, SpeedupHigh float64
	// Efficiency is Speedup / Procs: per processor, not per goroutine,
	// because goroutines beyond the processors cannot add throughput.
	Efficiency float64
	// KarpFlatt is the serial fraction KarpFlatt(Speedup, Procs); NaN when
	// Procs <= 1.
	KarpFlatt float64
	// Oversubscribed reports N > Procs: the goroutines time-share the
	// processors, so the level says nothing about scalability and is left
	// out of the fits.
	Oversubscribed bool
}

// mergeLevels merges the samples by N, validates them and computes the
// per-level statistics except the speed-ups.
func mergeLevels(samples []Sample) ([]Level, error) {
	if len(samples) == 0 {
		return nil, fmt.Errorf("%w: no samples", ErrTooFewPoints)
	}
	byN := map[float64]*Sample{}
	var order []float64
	for i, s := range samples {
		if !(s.N > 0) || math.IsInf(s.N, 0) {
			return nil, fmt.Errorf("%w: sample %d has N=%g", ErrNonPositive, i+1, s.N)
		}
		if s.Procs < 0 || math.IsNaN(s.Procs) || math.IsInf(s.Procs, 0) {
			return nil, fmt.Errorf("%w: sample %d has Procs=%g", ErrNonPositive, i+1, s.Procs)
		}
		if len(s.X) == 0 {
			return nil, fmt.Errorf("%w: sample %d (N=%g) has no repetitions", ErrNonPositive, i+1, s.N)
		}
		for _, x := range s.X {
			if !(x > 0) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("%w: sample %d (N=%g) has X=%g", ErrNonPositive, i+1, s.N, x)
			}
		}
		procs := s.Procs
		if procs == 0 {
			procs = s.N
		}
		if m, ok := byN[s.N]; ok {
			if m.Procs != procs {
				return nil, fmt.Errorf("scale: samples at N=%g disagree on Procs (%g and %g)", s.N, m.Procs, procs)
			}
			m.X = append(m.X, s.X...)
			continue
		}
		byN[s.N] = &Sample{N: s.N, Procs: procs, X: slices.Clone(s.X)}
		order = append(order, s.N)
	}
	slices.Sort(order)
	ls := make([]Level, len(order))
	for i, n := range order {
		s := byN[n]
		xs := slices.Sorted(slices.Values(s.X))
		med := median(xs)
		ls[i] = Level{
			N: n, Procs: s.Procs, Reps: len(xs),
			Median: med, Low: xs[0], High: xs[len(xs)-1],
			Spread:         (xs[len(xs)-1] - xs[0]) / med,
			Oversubscribed: n > s.Procs,
		}
	}
	return ls, nil
}

// median of sorted values.
func median(xs []float64) float64 {
	k := len(xs)
	if k%2 == 1 {
		return xs[k/2]
	}
	return (xs[k/2-1] + xs[k/2]) / 2
}

// observations flattens the samples of the levels that measure scaling into
// points, one per repetition.
func observations(samples []Sample, ls []Level) []Point {
	scaling := map[float64]bool{}
	for _, l := range ls {
		scaling[l.N] = !l.Oversubscribed
	}
	var pts []Point
	for _, s := range samples {
		if scaling[s.N] {
			for _, x := range s.X {
				pts = append(pts, Point{N: s.N, X: x})
			}
		}
	}
	return pts
}
