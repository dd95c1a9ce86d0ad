package scale

import (
	"math"
	"testing"
)

// FuzzAnalyze feeds Analyze arbitrary samples: it must not panic, and what
// it claims must hold together — levels in increasing N, a supported peak
// only inside the data and after a measured fall, intervals that hold their
// value, a limit of exactly 1/σ.
func FuzzAnalyze(f *testing.F) {
	f.Add(1.0, 2.0, 4.0, 8.0, 2.0, 100.0, 190.0, 300.0, 310.0, 0.05)
	f.Add(1.0, 3.0, 9.0, 27.0, 64.0, 10.0, 5.0, 1.0, 0.5, 0.5)
	f.Add(2.0, 4.0, 4.0, 16.0, 0.0, 1e9, 1e3, 1e-3, 7.0, 0.0)
	f.Fuzz(func(t *testing.T, n1, n2, n3, n4, procs, x1, x2, x3, x4, jitter float64) {
		ns := []float64{n1, n2, n3, n4}
		xs := []float64{x1, x2, x3, x4}
		var ss []Sample
		for i := range ns {
			n := math.Abs(math.Floor(ns[i]))
			if n < 1 || n > 1e6 || !(xs[i] > 0) || xs[i] > 1e300 || math.IsNaN(jitter) || math.IsInf(jitter, 0) {
				return
			}
			p := 0.0
			if procs >= 1 && procs < 1e6 {
				p = math.Min(n, math.Floor(procs))
			}
			j := math.Min(math.Abs(jitter), 0.9)
			ss = append(ss, Sample{N: n, Procs: p, X: []float64{xs[i], xs[i] * (1 + j), xs[i] * (1 - j)}})
		}
		a, err := Analyze(ss)
		if err != nil {
			return // e.g. two samples at one N that disagree on Procs
		}
		for i := 1; i < len(a.Levels); i++ {
			if a.Levels[i].N <= a.Levels[i-1].N {
				t.Fatalf("levels out of order: %+v", a.Levels)
			}
		}
		if a.Peak.Supported && (!a.Peak.InRange || !a.Fall) {
			t.Fatalf("peak %+v supported without being in range after a measured fall", a.Peak)
		}
		for _, p := range []Param{a.USL.Sigma, a.USL.Kappa, a.USL.Lambda, a.Amdahl.Sigma} {
			if !math.IsNaN(p.Low) && (p.Low > p.Value+1e-9*math.Abs(p.Value) || p.High < p.Value-1e-9*math.Abs(p.Value)) {
				t.Fatalf("interval [%g, %g] does not hold %g", p.Low, p.High, p.Value)
			}
		}
		if a.Amdahl.Err == nil && a.Amdahl.Sigma.Value > 0 {
			if lim := a.Amdahl.Limit().Value; math.Abs(lim*a.Amdahl.Sigma.Value-1) > 1e-9 {
				t.Fatalf("limit %g is not 1/σ for σ=%g", lim, a.Amdahl.Sigma.Value)
			}
		}
		if a.Regime < Undetermined || a.Regime > Retrograde {
			t.Fatalf("regime %d", a.Regime)
		}
	})
}
