package scale

import (
	"errors"
	"math"
)

// errNoScalingLevel is why an anchored fit cannot be made.
var errNoScalingLevel = errors.New("scale: no level beyond N=1 measures scaling")

// fitAmdahlAnchored fits S(n) = n/(1 + σ(n-1)) to the speed-ups X/x1 of the
// repetitions at N > 1. x1 is the mean at N = 1 and relNoise1 the relative
// standard error of that mean; the uncertainty of x1 is added to σ's
// standard error by the delta method, since every speed-up divides by it.
func fitAmdahlAnchored(obs []Point, x1, relNoise1 float64) ModelFit {
	f := ModelFit{Params: 1, Anchored: true}
	var rest []Point
	for _, p := range obs {
		if p.N != 1 {
			rest = append(rest, p)
		}
	}
	f.Obs = len(rest)
	if len(rest) == 0 {
		f.Err = errNoScalingLevel
		return f
	}
	f.Levels = distinctN(rest)
	f.SpareDoF = f.Levels - f.Params
	sigma := anchoredSigma(rest, x1)
	f.Model = USL{Sigma: sigma, Lambda: x1}

	// Standard error of σ from the Jacobian of S with respect to σ.
	var jj, sse float64
	for _, p := range rest {
		d := 1 + sigma*(p.N-1)
		j := -p.N * (p.N - 1) / (d * d)
		jj += j * j
		r := p.X/x1 - p.N/d
		sse += r * r
	}
	dof := len(rest) - 1
	se := math.NaN()
	if dof >= 1 && jj > 0 {
		se = math.Sqrt(sse / float64(dof) / jj)
		if relNoise1 > 0 {
			h := 1e-4 * x1
			ds := (anchoredSigma(rest, x1+h) - anchoredSigma(rest, x1-h)) / (2 * h)
			se = math.Hypot(se, ds*relNoise1*x1)
		}
	}
	f.Sigma = newParam(sigma, se, dof, 0, 1)
	f.Lambda = Param{Value: x1, StdErr: relNoise1 * x1, Low: math.NaN(), High: math.NaN()}
	f.Kappa = Param{}
	f.goodness(rest, f.Model.Throughput)
	return f
}

// anchoredSigma minimises the squared speed-up error over σ in [0, 1]: a
// grid finds the valley, golden-section search refines it.
func anchoredSigma(rest []Point, x1 float64) float64 {
	sse := func(s float64) float64 {
		t := 0.0
		for _, p := range rest {
			r := p.X/x1 - p.N/(1+s*(p.N-1))
			t += r * r
		}
		return t
	}
	const grid = 200
	best, bestV := 0.0, math.Inf(1)
	for i := 0; i <= grid; i++ {
		s := float64(i) / grid
		if v := sse(s); v < bestV {
			best, bestV = s, v
		}
	}
	lo, hi := math.Max(0, best-1.0/grid), math.Min(1, best+1.0/grid)
	const g = 0.6180339887498949
	a, b := hi-g*(hi-lo), lo+g*(hi-lo)
	fa, fb := sse(a), sse(b)
	for hi-lo > 1e-12 {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - g*(hi-lo)
			fa = sse(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + g*(hi-lo)
			fb = sse(b)
		}
	}
	s := (lo + hi) / 2
	for _, e := range []float64{0, 1} { // the optimum may sit on a bound
		if sse(e) < sse(s) {
			s = e
		}
	}
	return s
}
