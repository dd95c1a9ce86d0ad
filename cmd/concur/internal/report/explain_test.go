package report

import (
	"bytes"
	"fmt"
	"html"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/concurkit/concur/cmd/concur/internal/lab"
	"github.com/concurkit/concur/scale"
)

// randomInput draws a series from a USL with random coefficients, noise,
// levels and processors, as a lab or a user could measure it.
func randomInput(rng *rand.Rand) Input {
	m := scale.USL{Sigma: rng.Float64() * rng.Float64(), Kappa: rng.Float64() * rng.Float64() * 0.01, Lambda: 100 + 1000*rng.Float64()}
	if rng.IntN(4) == 0 {
		m.Kappa = 0
	}
	cores := []float64{2, 4, 8, 64}[rng.IntN(4)]
	noise := []float64{0.001, 0.02, 0.1, 0.4}[rng.IntN(4)]
	reps := 1 + rng.IntN(5)
	var ss []scale.Sample
	for n := 1.0; n <= 2*cores; n *= 2 {
		s := scale.Sample{N: n, Procs: min(n, cores)}
		for range reps {
			x := m.Throughput(s.Procs) * (1 + noise*rng.NormFloat64())
			s.X = append(s.X, max(x, 1e-3))
		}
		ss = append(ss, s)
	}
	a, err := scale.Analyze(ss)
	if err != nil {
		panic(err)
	}
	return Input{Name: "random", Unit: "ops/s", Analysis: a}
}

var speedupRE = regexp.MustCompile(`(\d+\.\d\d)x \[(\d+\.\d\d), (\d+\.\d\d)\] at N=(\d+)`)

// TestVerdictMatchesTable: over many random series, the verdict never
// contradicts the table beside it: every speed-up it quotes is the table's,
// "no useful speed-up" never stands beside a speed-up of 1.15x or more, a
// fall is claimed only when one was measured, and a peak only inside the
// data.
func TestVerdictMatchesTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 3000 {
		in := randomInput(rng)
		a := in.Analysis
		v := Explain(in)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("case %d: %s\nverdict: %s\nlevels: %+v", i, fmt.Sprintf(format, args...), v, a.Levels)
		}
		for _, m := range speedupRE.FindAllStringSubmatch(v, -1) {
			n, _ := strconv.ParseFloat(m[4], 64)
			found := false
			for _, l := range a.Levels {
				if l.N == n && fmt.Sprintf("%.2f", l.Speedup) == m[1] && fmt.Sprintf("%.2f", l.SpeedupLow) == m[2] && fmt.Sprintf("%.2f", l.SpeedupHigh) == m[3] {
					found = true
				}
			}
			if !found {
				fail("quotes %s, not in the table", m[0])
			}
		}
		best := 0.0
		for _, l := range a.Levels {
			if !l.Oversubscribed {
				best = max(best, l.SpeedupHigh)
			}
		}
		if strings.Contains(v, "No useful speed-up") && best >= 1.15 {
			fail("says no useful speed-up beside %.2fx", best)
		}
		if strings.Contains(v, "falls") && !a.Fall {
			fail("claims a fall that was not measured")
		}
		if strings.Contains(v, "peaks and then falls") && !a.Peak.InRange {
			fail("claims a peak outside the data")
		}
		if strings.Contains(v, "coherency cost") && !a.USL.Kappa.Determined() {
			fail("names a coherency cost whose margin of error exceeds it")
		}
		if strings.Contains(v, "serial part limits") && !a.Amdahl.Sigma.Determined() {
			fail("names a serial fraction whose margin of error exceeds it")
		}
	}
}

// TestPerfectNeverContention: perfect scaling on the processors there are,
// then time-sharing, is explained as linear, never as contention or
// coherency, whatever the number of processors and the noise.
func TestPerfectNeverContention(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, cores := range []float64{2, 4, 8} {
		for range 100 {
			var ss []scale.Sample
			for n := 1.0; n <= 4*cores; n *= 2 {
				s := scale.Sample{N: n, Procs: min(n, cores)}
				for range 5 {
					s.X = append(s.X, 100*s.Procs*(1+0.01*rng.NormFloat64()))
				}
				ss = append(ss, s)
			}
			a, err := scale.Analyze(ss)
			if err != nil {
				t.Fatal(err)
			}
			v := Explain(Input{Analysis: a})
			if !strings.HasPrefix(v, "Scales (nearly) linearly") {
				t.Fatalf("cores %g: %s", cores, v)
			}
			for _, wrong := range []string{"serial", "coherency", "contention", "falls"} {
				if strings.Contains(v, wrong) {
					t.Fatalf("cores %g: perfect scaling explained with %q: %s", cores, wrong, v)
				}
			}
		}
	}
}

// TestRenderersAgree: every statement of a section reaches both the text
// and the HTML, since both are drawn from one View.
func TestRenderersAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	m := lab.Machine{CPUModel: "cpu", NumCPU: 2, Cores: 2, GOMAXPROCS: 2, GoVersion: "go", OSArch: "os/arch", Date: "d", Module: "m", LoadAvg: 3}
	v := View{Title: "t", Machine: MachineLine(m), Notes: Notes}
	v.Scope, v.Warnings = Scope(m, 8)
	for range 20 {
		in := randomInput(rng)
		in.Evidence = []lab.Evidence{{N: 2, Procs: 2, CPUUtil: 0.9, Blocked: 0.3, Sites: []lab.Site{{Where: "x.Lock from a.go:1", Share: 0.3}}}}
		v.Sections = append(v.Sections, NewSection(in))
	}
	var text, page bytes.Buffer
	WriteText(&text, v)
	if err := WriteHTML(&page, v); err != nil {
		t.Fatal(err)
	}
	p := html.UnescapeString(page.String())
	var all []string
	all = append(all, v.Scope...)
	all = append(all, v.Warnings...)
	all = append(all, v.Notes...)
	for _, s := range v.Sections {
		all = append(all, s.Verdict)
		all = append(all, s.Caveats...)
		all = append(all, s.Evidence...)
		all = append(all, s.Fits...)
	}
	for _, s := range all {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text lacks %q", s)
		}
		if !strings.Contains(p, s) {
			t.Errorf("HTML lacks %q", s)
		}
	}
}

// TestCPUCost: CPU time per unit of work is named only when every pairing
// of the repetitions agrees on it.
func TestCPUCost(t *testing.T) {
	top := scale.Level{N: 2, Procs: 2}
	ev := func(one, two []float64) []lab.Evidence {
		return []lab.Evidence{{N: 1, PerCPU: one}, {N: 2, PerCPU: two}}
	}
	for _, tc := range []struct {
		name     string
		one, two []float64
		want     string
	}{
		{"burns", []float64{100, 102, 98}, []float64{50, 52, 49}, "Each unit of work took 2.00x [1.88, 2.08] the CPU time at N=2"},
		{"steady", []float64{100, 102, 98}, []float64{99, 101, 97}, "CPU time per unit of work at N=2 rose by no more than 10%"},
		{"noisy", []float64{100, 150, 60}, []float64{50, 120, 90}, ""},
		{"none", nil, []float64{50}, ""},
	} {
		got := cpuCost(top, ev(tc.one, tc.two))
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
