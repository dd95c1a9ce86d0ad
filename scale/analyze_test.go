package scale

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// uslSamples draws reps repetitions per level from the USL m with Gaussian
// noise of standard deviation sd·λ, so the model is exactly right and only
// the noise is unknown.
func uslSamples(rng *rand.Rand, m USL, ns []float64, reps int, sd float64) []Sample {
	var ss []Sample
	for _, n := range ns {
		s := Sample{N: n}
		for range reps {
			s.X = append(s.X, m.Throughput(n)+rng.NormFloat64()*sd*m.Lambda)
		}
		ss = append(ss, s)
	}
	return ss
}

var to64 = []float64{1, 2, 4, 8, 16, 32, 64}

// TestAnalyzeCoverage generates USL data with known σ, κ, λ and checks that
// the 95% intervals hold the truth about 95% of the time over many seeds.
func TestAnalyzeCoverage(t *testing.T) {
	truth := USL{Sigma: 0.05, Kappa: 0.0008, Lambda: 1000}
	const seeds = 400
	var cover [3]int
	rng := rand.New(rand.NewPCG(1, 2))
	for range seeds {
		a, err := Analyze(uslSamples(rng, truth, to64, 5, 0.3))
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range []struct {
			p    Param
			want float64
		}{{a.USL.Sigma, truth.Sigma}, {a.USL.Kappa, truth.Kappa}, {a.USL.Lambda, truth.Lambda}} {
			if c.p.Low <= c.want && c.want <= c.p.High {
				cover[i]++
			}
		}
	}
	for i, name := range []string{"sigma", "kappa", "lambda"} {
		rate := float64(cover[i]) / seeds
		t.Logf("%s: 95%% interval covered the truth in %.1f%% of %d seeds", name, 100*rate, seeds)
		if rate < 0.90 || rate > 0.99 {
			t.Errorf("%s coverage %.3f, want about 0.95", name, rate)
		}
	}
}

// TestAnalyzeAmdahlCoverage checks the anchored Amdahl interval on data
// that follow Amdahl's law.
func TestAnalyzeAmdahlCoverage(t *testing.T) {
	truth := USL{Sigma: 0.08, Lambda: 500}
	const seeds = 400
	cover := 0
	rng := rand.New(rand.NewPCG(3, 4))
	for range seeds {
		a, err := Analyze(uslSamples(rng, truth, to64, 5, 0.03))
		if err != nil {
			t.Fatal(err)
		}
		if s := a.Amdahl.Sigma; s.Low <= truth.Sigma && truth.Sigma <= s.High {
			cover++
		}
		if lim := a.Amdahl.Limit(); math.Abs(lim.Value*a.Amdahl.Sigma.Value-1) > 1e-12 {
			t.Fatalf("limit %g is not 1/sigma (sigma %g)", lim.Value, a.Amdahl.Sigma.Value)
		}
	}
	rate := float64(cover) / seeds
	t.Logf("anchored Amdahl sigma: covered in %.1f%% of %d seeds", 100*rate, seeds)
	if rate < 0.90 || rate > 0.99 {
		t.Errorf("coverage %.3f, want about 0.95", rate)
	}
}

// TestAnalyzeRegime checks that the verdict names the law the data were
// drawn from, for every seed.
func TestAnalyzeRegime(t *testing.T) {
	for _, tc := range []struct {
		name  string
		m     USL
		want  Regime
		peakN float64 // 0: no supported peak
	}{
		{"linear", USL{Lambda: 100}, Linear, 0},
		{"contention", USL{Sigma: 0.05, Lambda: 100}, Contention, 0},
		{"heavy contention", USL{Sigma: 0.4, Lambda: 100}, Contention, 0},
		{"coherency beyond range", USL{Sigma: 0.02, Kappa: 0.0001, Lambda: 100}, Coherency, 0},
		{"retrograde", USL{Sigma: 0.02, Kappa: 0.001, Lambda: 100}, Retrograde, math.Sqrt(0.98 / 0.001)},
		{"serial", USL{Sigma: 1, Lambda: 100}, NoSpeedup, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			for seed := range 50 {
				a, err := Analyze(uslSamples(rng, tc.m, to64, 5, 0.005))
				if err != nil {
					t.Fatal(err)
				}
				if a.Regime != tc.want {
					t.Fatalf("seed %d: regime %v, want %v; caveats %q", seed, a.Regime, tc.want, a.Caveats)
				}
				if got := a.Peak.Supported; got != (tc.peakN > 0) {
					t.Fatalf("seed %d: peak supported = %v at N=%g", seed, got, a.Peak.N)
				}
				if tc.peakN > 0 && math.Abs(a.Peak.N-tc.peakN) > 0.15*tc.peakN {
					t.Fatalf("seed %d: peak N=%g, want about %g", seed, a.Peak.N, tc.peakN)
				}
			}
		})
	}
}

// TestAnalyzePerfectOnTwoCores: throughput 100, 200, 200, 200 at N = 1, 2,
// 4, 8 goroutines on 2 processors is perfect scaling followed by
// time-sharing; it must never be read as contention or coherency.
func TestAnalyzePerfectOnTwoCores(t *testing.T) {
	a, err := Analyze([]Sample{
		{N: 1, Procs: 1, X: []float64{100}},
		{N: 2, Procs: 2, X: []float64{200}},
		{N: 4, Procs: 2, X: []float64{200}},
		{N: 8, Procs: 2, X: []float64{200}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Regime != Linear {
		t.Errorf("regime %v, want linear", a.Regime)
	}
	if a.Scaling != 2 || !a.Levels[2].Oversubscribed || !a.Levels[3].Oversubscribed {
		t.Errorf("scaling levels %d, oversubscribed %v %v", a.Scaling, a.Levels[2].Oversubscribed, a.Levels[3].Oversubscribed)
	}
	if a.Peak.Supported || a.USL.Err == nil {
		t.Errorf("a USL fitted from 2 levels (err %v), peak supported %v", a.USL.Err, a.Peak.Supported)
	}
	// Per processor: N=8 on 2 processors at 2x is 100% efficient.
	if l := a.Levels[3]; l.Efficiency != 1 || l.KarpFlatt != 0 {
		t.Errorf("N=8: efficiency %g, Karp–Flatt %g, want 1 and 0", l.Efficiency, l.KarpFlatt)
	}
	if !strings.Contains(strings.Join(a.Caveats, "\n"), "oversubscription") {
		t.Errorf("caveats %q do not mention oversubscription", a.Caveats)
	}
}

// TestAnalyzePerProcessor is the case from the issue: 1.72x at N=8 on 2
// processors is 86% efficient with Karp–Flatt 0.16, not 21% and 0.52.
func TestAnalyzePerProcessor(t *testing.T) {
	a, err := Analyze([]Sample{
		{N: 1, Procs: 1, X: []float64{100}},
		{N: 2, Procs: 2, X: []float64{180}},
		{N: 8, Procs: 2, X: []float64{172}},
	})
	if err != nil {
		t.Fatal(err)
	}
	l := a.Levels[2]
	if math.Abs(l.Efficiency-0.86) > 1e-9 || math.Abs(l.KarpFlatt-0.16279) > 1e-4 {
		t.Errorf("efficiency %g, Karp–Flatt %g, want 0.86 and 0.163", l.Efficiency, l.KarpFlatt)
	}
}

// TestAnalyzeNoClaimWithoutDoF: three levels fit the USL exactly, so R² is
// 1 whatever the data; no peak may be claimed.
func TestAnalyzeNoClaimWithoutDoF(t *testing.T) {
	a, err := Analyze([]Sample{{N: 1, X: []float64{100}}, {N: 4, X: []float64{300}}, {N: 8, X: []float64{250}}})
	if err != nil {
		t.Fatal(err)
	}
	if a.USL.SpareDoF != 0 || a.Peak.Supported || a.Regime == Retrograde || a.Regime == Coherency {
		t.Errorf("spare dof %d, peak supported %v, regime %v", a.USL.SpareDoF, a.Peak.Supported, a.Regime)
	}
}

// TestAnalyzeNoisy: spread larger than the effect is said, and the regime
// is not a confident one.
func TestAnalyzeNoisy(t *testing.T) {
	a, err := Analyze([]Sample{
		{N: 1, X: []float64{100, 60, 140}},
		{N: 2, X: []float64{110, 50, 170}},
		{N: 4, X: []float64{120, 40, 150}},
		{N: 8, X: []float64{90, 70, 160}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Regime != Undetermined && a.Regime != NoSpeedup {
		t.Errorf("regime %v from noise", a.Regime)
	}
	if !strings.Contains(strings.Join(a.Caveats, "\n"), "larger than the change") {
		t.Errorf("caveats %q", a.Caveats)
	}
}

// TestAnalyzePublished: Analyze reproduces the published USL coefficients
// of specsdm91 (see TestPublishedSPECSDM91).
func TestAnalyzePublished(t *testing.T) {
	var ss []Sample
	for _, p := range specsdm91 {
		ss = append(ss, Sample{N: p.N, X: []float64{p.X}})
	}
	a, err := Analyze(ss)
	if err != nil {
		t.Fatal(err)
	}
	within(t, "sigma", a.USL.Sigma.Value, 0.0277285, 5e-4)
	within(t, "kappa", a.USL.Kappa.Value, 0.0001044, 5e-4)
	within(t, "lambda", a.USL.Lambda.Value, 89.9952382, 5e-4)
	// Standard errors published by R's usl for the same fit (summary.Rout.save
	// in its tests): 9.122e-03, 1.988e-05, 1.421e+01; R² 0.9896.
	within(t, "se sigma", a.USL.Sigma.StdErr, 9.122e-03, 1e-3)
	within(t, "se kappa", a.USL.Kappa.StdErr, 1.988e-05, 1e-3)
	within(t, "se lambda", a.USL.Lambda.StdErr, 14.21, 1e-3)
	within(t, "R2", a.USL.R2, 0.9896, 1e-4)
	if !a.USL.Kappa.Excludes0() || !a.Peak.InRange || !a.Fall {
		t.Errorf("kappa %+v, peak %+v, fall %v", a.USL.Kappa, a.Peak, a.Fall)
	}
	if a.Regime != Retrograde && a.Regime != Coherency {
		t.Errorf("regime %v", a.Regime)
	}
}

func TestAnalyzeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []Sample
		want error
	}{
		{"none", nil, ErrTooFewPoints},
		{"zero N", []Sample{{N: 0, X: []float64{1}}}, ErrNonPositive},
		{"no reps", []Sample{{N: 1}}, ErrNonPositive},
		{"negative X", []Sample{{N: 1, X: []float64{-1}}}, ErrNonPositive},
		{"NaN procs", []Sample{{N: 1, Procs: math.NaN(), X: []float64{1}}}, ErrNonPositive},
	} {
		if _, err := Analyze(tc.in); !errors.Is(err, tc.want) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestAnalyzeSuperLinear: more than a processor's worth per processor is
// flagged, not passed off as scalability.
func TestAnalyzeSuperLinear(t *testing.T) {
	a, err := Analyze([]Sample{{N: 1, X: []float64{100, 101, 99}}, {N: 2, X: []float64{280, 282, 279}}, {N: 4, X: []float64{390, 395, 392}}})
	if err != nil {
		t.Fatal(err)
	}
	if c := strings.Join(a.Caveats, "\n"); !strings.Contains(c, "super-linear at N=2 (140% per processor)") {
		t.Errorf("caveats %q", c)
	}
}
