package scale

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// specsdm91 is the SPEC SDM91 benchmark of a Sun SPARCcenter 2000 (16 CPUs,
// October 1994): simulated users against script executions per hour. It is
// Gunther's software-scalability example in "Guerrilla Capacity Planning"
// (Springer 2007, §5) and ships as the `specsdm91` demo dataset of the R
// package usl by Stefan Möding (CRAN; github.com/smoeding/usl). The values
// below are those of that dataset; the package's saved test output
// tests/efficiency.Rout.save (X/(N·λ) with λ = 89.995) reproduces them to the
// four digits it prints.
var specsdm91 = []Point{
	{1, 64.9}, {18, 995.9}, {36, 1652.4}, {72, 1853.2},
	{108, 1828.9}, {144, 1775.0}, {216, 1702.2},
}

// TestPublishedSPECSDM91 checks the fit against the coefficients published
// for specsdm91 by the R usl package (smoeding/usl README.md, version 2.x,
// non-linear least squares of throughput with σ, κ >= 0):
//
//	alpha (σ) 0.0277285, beta (κ) 0.0001044, gamma (λ) 89.9952382
//
// and the linearised start against the same package's earlier default
// method (Gunther's quadratic of the deviation from linearity, normalised by
// X(1) = 64.9; README of usl 1.x): σ = 1.705e-02, κ = 7.892e-05, R² = 0.9624.
func TestPublishedSPECSDM91(t *testing.T) {
	fit, err := FitUSLReport(specsdm91)
	if err != nil {
		t.Fatal(err)
	}
	m := fit.Model
	// The published values are rounded to 3–4 significant digits.
	within(t, "sigma", m.Sigma, 0.0277285, 5e-4)
	within(t, "kappa", m.Kappa, 0.0001044, 5e-4)
	within(t, "lambda", m.Lambda, 89.9952382, 5e-4)
	if fit.R2 < 0.98 || fit.R2 > 1 {
		t.Errorf("R2 = %g, want in [0.98, 1]", fit.R2)
	}
	// Published peak.scalability for these coefficients: about 96 users.
	within(t, "peak", m.Peak(), math.Sqrt((1-0.0277285)/0.0001044), 1e-3)

	lin := linearUSL(specsdm91)
	within(t, "linear sigma", lin.Sigma, 1.705e-02, 1e-3)
	within(t, "linear kappa", lin.Kappa, 7.892e-05, 1e-3)
	if lin.Lambda != 64.9 {
		t.Errorf("linear lambda = %g, want X(1) = 64.9", lin.Lambda)
	}
	// The non-linear fit must beat its own starting point.
	if r2 := rSquared(specsdm91, lin); r2 >= fit.R2 {
		t.Errorf("linearised R2 %g >= least-squares R2 %g", r2, fit.R2)
	}
}

// within reports a relative difference above tol.
func within(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if d := math.Abs(got - want); d > tol*math.Abs(want) && d > 1e-15 {
		t.Errorf("%s = %.7g, want %.7g (relative error %.2g > %.2g)", what, got, want, d/math.Abs(want), tol)
	}
}

func levels(ns ...float64) []float64 { return ns }

func synthetic(m USL, ns []float64) []Point {
	pts := make([]Point, len(ns))
	for i, n := range ns {
		pts[i] = Point{n, m.Throughput(n)}
	}
	return pts
}

func TestFitUSLRecoversExactCoefficients(t *testing.T) {
	doubling := levels(1, 2, 4, 8, 16, 32, 64)
	for _, tc := range []struct {
		name string
		m    USL
		ns   []float64
	}{
		{"contention and coherency", USL{0.05, 0.002, 1000}, doubling},
		{"retrograde early", USL{0.2, 0.02, 3.5e6}, levels(1, 2, 3, 4, 6, 8, 12)},
		{"amdahl only", USL{0.1, 0, 42}, doubling},
		{"coherency only", USL{0, 0.001, 1e9}, doubling},
		{"linear", USL{0, 0, 7}, levels(1, 2, 3, 5)},
		{"no point at one", USL{0.03, 0.0005, 250}, levels(2, 4, 8, 16, 32, 64, 128)},
		{"tiny throughput", USL{0.3, 0.01, 1e-6}, doubling},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fit, err := FitUSLReport(synthetic(tc.m, tc.ns))
			if err != nil {
				t.Fatal(err)
			}
			got := fit.Model
			near(t, "sigma", got.Sigma, tc.m.Sigma, 1e-6)
			near(t, "kappa", got.Kappa, tc.m.Kappa, 1e-7)
			within(t, "lambda", got.Lambda, tc.m.Lambda, 1e-6)
			if fit.R2 < 1-1e-9 {
				t.Errorf("R2 = %.12f on exact data", fit.R2)
			}
		})
	}
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.9g, want %.9g ± %g", what, got, want, tol)
	}
}

// TestFitUSLWithNoise fits many noisy copies of a known curve: the estimates
// must scatter around the truth, stay inside the bounds, and never fit worse
// than the linearised start.
func TestFitUSLWithNoise(t *testing.T) {
	truth := USL{Sigma: 0.08, Kappa: 0.003, Lambda: 5000}
	ns := levels(1, 2, 3, 4, 6, 8, 12, 16, 24, 32)
	rng := rand.New(rand.NewPCG(1, 2))
	const runs = 200
	var sumS, sumK float64
	for range runs {
		pts := synthetic(truth, ns)
		for i := range pts {
			pts[i].X *= 1 + 0.02*rng.NormFloat64()
		}
		fit, err := FitUSLReport(pts)
		if err != nil {
			t.Fatal(err)
		}
		m := fit.Model
		if m.Sigma < 0 || m.Sigma > 1 || m.Kappa < 0 || m.Lambda <= 0 {
			t.Fatalf("fit out of bounds: %v", m)
		}
		if lin := rSquared(pts, linearUSL(pts)); fit.R2 < lin-1e-12 {
			t.Fatalf("least squares R2 %g worse than linearised %g", fit.R2, lin)
		}
		if math.Abs(m.Sigma-truth.Sigma) > 0.05 || math.Abs(m.Kappa-truth.Kappa) > 0.002 {
			t.Errorf("noisy fit %v far from %v", m, truth)
		}
		sumS += m.Sigma
		sumK += m.Kappa
	}
	near(t, "mean sigma", sumS/runs, truth.Sigma, 0.005)
	near(t, "mean kappa", sumK/runs, truth.Kappa, 0.0003)
}

// TestFitUSLBounds gives data that only negative coefficients would fit
// (a super-linear speed-up): the fit must stop at the bounds.
func TestFitUSLBounds(t *testing.T) {
	var pts []Point
	for _, n := range levels(1, 2, 4, 8, 16) {
		pts = append(pts, Point{n, 100 * math.Pow(n, 1.1)})
	}
	m, err := FitUSL(pts)
	if err != nil {
		t.Fatal(err)
	}
	if m.Sigma != 0 || m.Kappa != 0 {
		t.Errorf("super-linear data: got %v, want sigma = kappa = 0", m)
	}
	if !math.IsInf(m.Peak(), 1) {
		t.Errorf("Peak = %g, want +Inf", m.Peak())
	}
	s, err := FitAmdahl(pts)
	if err != nil || s != 0 {
		t.Errorf("FitAmdahl = %g, %v; want 0, nil", s, err)
	}
}

func TestFitAmdahl(t *testing.T) {
	for _, tc := range []struct {
		s  float64
		ns []float64
	}{
		{0.2, levels(1, 2, 4, 8)},
		{0.01, levels(1, 2, 4, 8, 16, 32)},
		{0.5, levels(2, 3, 4)},
		{1, levels(1, 2, 4)},
	} {
		var pts []Point
		for _, n := range tc.ns {
			pts = append(pts, Point{n, 30 * Amdahl(tc.s, n)})
		}
		fit, err := FitAmdahlReport(pts)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "serial", fit.Model.Sigma, tc.s, 1e-7)
		within(t, "lambda", fit.Model.Lambda, 30, 1e-7)
		if fit.Model.Kappa != 0 {
			t.Errorf("Amdahl fit has kappa %g", fit.Model.Kappa)
		}
	}
	// Retrograde data: Amdahl cannot follow it, and says so through R2.
	fit, err := FitAmdahlReport(specsdm91)
	if err != nil {
		t.Fatal(err)
	}
	usl, _ := FitUSLReport(specsdm91)
	if fit.R2 >= usl.R2 {
		t.Errorf("Amdahl R2 %g >= USL R2 %g on retrograde data", fit.R2, usl.R2)
	}
}

func TestFitErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		pts  []Point
		want error
	}{
		{"empty", nil, ErrTooFewPoints},
		{"two points", []Point{{1, 1}, {2, 2}}, ErrTooFewPoints},
		{"two distinct levels", []Point{{1, 1}, {2, 2}, {2, 2.1}, {1, 1.1}}, ErrTooFewPoints},
		{"zero N", []Point{{0, 1}, {1, 1}, {2, 2}, {3, 3}}, ErrNonPositive},
		{"negative X", []Point{{1, 1}, {2, -2}, {3, 3}}, ErrNonPositive},
		{"zero X", []Point{{1, 1}, {2, 0}, {3, 3}}, ErrNonPositive},
		{"NaN X", []Point{{1, 1}, {2, math.NaN()}, {3, 3}}, ErrNonPositive},
		{"Inf N", []Point{{1, 1}, {math.Inf(1), 2}, {3, 3}}, ErrNonPositive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := FitUSL(tc.pts); !errors.Is(err, tc.want) {
				t.Errorf("FitUSL: %v, want %v", err, tc.want)
			}
			if _, err := FitAmdahl(tc.pts); !errors.Is(err, tc.want) {
				t.Errorf("FitAmdahl: %v, want %v", err, tc.want)
			}
		})
	}
}

func TestPeak(t *testing.T) {
	m := USL{Sigma: 0.05, Kappa: 0.002, Lambda: 10}
	peak := m.Peak()
	near(t, "peak", peak, math.Sqrt(0.95/0.002), 1e-12)
	// The throughput really is highest there.
	for _, d := range []float64{-1, -0.1, 0.1, 1} {
		if m.Throughput(peak+d) >= m.Throughput(peak) {
			t.Errorf("X(%g) >= X(peak %g)", peak+d, peak)
		}
	}
	if p := (USL{Sigma: 0.1, Lambda: 1}).Peak(); !math.IsInf(p, 1) {
		t.Errorf("kappa 0: Peak = %g, want +Inf", p)
	}
	if p := (USL{Sigma: 1, Kappa: 0.1, Lambda: 1}).Peak(); p != 1 {
		t.Errorf("sigma 1: Peak = %g, want 1", p)
	}
}

// FuzzFitUSL checks that any accepted input gives a model inside the bounds
// whose fit is at least as good as the linearised start.
func FuzzFitUSL(f *testing.F) {
	f.Add(1.0, 10.0, 2.0, 19.0, 4.0, 30.0, 8.0, 20.0)
	f.Add(1.0, 1.0, 2.0, 1.0, 3.0, 1.0, 4.0, 1.0)
	f.Add(3.0, 1e9, 5.0, 1e-9, 7.0, 1.0, 7.0, 2.0)
	f.Fuzz(func(t *testing.T, n1, x1, n2, x2, n3, x3, n4, x4 float64) {
		pts := []Point{{n1, x1}, {n2, x2}, {n3, x3}, {n4, x4}}
		fit, err := FitUSLReport(pts)
		if err != nil {
			return
		}
		m := fit.Model
		if !(m.Sigma >= 0 && m.Sigma <= 1 && m.Kappa >= 0 && m.Lambda > 0) {
			t.Fatalf("%v: out of bounds %v", pts, m)
		}
		if lin := rSquared(pts, linearUSL(pts)); fit.R2 < lin-1e-9 {
			t.Fatalf("%v: R2 %g worse than linearised %g", pts, fit.R2, lin)
		}
	})
}
