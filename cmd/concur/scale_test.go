package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concurkit/concur/scale"
)

// TestParseBench checks what benchfmt's results become: N from the -P
// suffix (none means 1), sub-benchmarks kept apart, -count repeats merged.
func TestParseBench(t *testing.T) {
	in := `pkg: example.com/a
BenchmarkX       100  1000 ns/op
BenchmarkX-2     100   500 ns/op
BenchmarkX/sub-4 100   250 ns/op
BenchmarkX-2     100   400 ns/op
pkg: example.com/b
BenchmarkX-8     100   125 ns/op
BenchmarkNoTime-2 100  12 B/op
`
	ss, err := parseBench(strings.NewReader(in), "in")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range ss {
		var ps []string
		for _, p := range s.points {
			ps = append(ps, fmt.Sprintf("%g:%.4g", p.N, p.X))
		}
		got = append(got, s.name+" "+strings.Join(ps, " "))
	}
	want := []string{
		"X (example.com/a) 1:1e+06 2:2e+06 2:2.5e+06",
		"X/sub (example.com/a) 4:4e+06",
		"X (example.com/b) 8:8e+06",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestScaleRunsGoTest runs concur scale on a real benchmark package.
func TestScaleRunsGoTest(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	report := filepath.Join(t.TempDir(), "scale.html")
	stdout, stderr, errLine := runCmd(t, []string{"scale", "-cpu", "1,2,3", "-benchtime", "200x", "-out", report, "./testdata/benchpkg"}, "")
	if errLine != "" {
		t.Fatalf("%s\nstderr:\n%s", errLine, stderr)
	}
	if !strings.HasPrefix(stdout, "== LockedCounter (github.com/concurkit/concur/cmd/concur/testdata/benchpkg)\n") {
		t.Errorf("stdout:\n%s", stdout)
	}
	for _, want := range []string{"USL fit: sigma=", "=> serial fraction"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	html, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, html, []string{"LockedCounter (github.com/concurkit/concur/cmd/concur/testdata/benchpkg)"}, 3)
}

// TestScaleGoTestFails reports a failing go test on one line, after its
// output.
func TestScaleGoTestFails(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test")
	}
	_, _, errLine := runCmd(t, []string{"scale", "-cpu", "1,2,3", "-out", "", "./testdata/no-such-package"}, "")
	if !strings.HasPrefix(errLine, "concur: scale: go test failed") {
		t.Errorf("error %q", errLine)
	}
}

func synthetic(m scale.USL, ns ...float64) []scale.Point {
	var pts []scale.Point
	for _, n := range ns {
		pts = append(pts, scale.Point{N: n, X: m.Throughput(n)})
	}
	return pts
}

// TestExplain checks the sentence for the typical shapes of curve.
func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		name  string
		m     scale.USL
		cores int
		want  []string
	}{
		{"amdahl", scale.USL{Sigma: 0.31, Lambda: 100}, 0,
			[]string{"serial fraction 0.31: the lock bounds speed-up below 3.2x."}},
		{"linear", scale.USL{Lambda: 100}, 0,
			[]string{"serial fraction 0.000: the lock costs almost nothing, so throughput keeps growing (8.0x at N=8)."}},
		{"serialised", scale.USL{Sigma: 1, Lambda: 100}, 0,
			[]string{"serial fraction 1.00: the lock serialises the work, so more goroutines bring no speed-up."}},
		{"retrograde", scale.USL{Sigma: 0.05, Kappa: 0.05, Lambda: 100}, 0,
			[]string{"coherency cost (kappa 0.05) makes throughput fall beyond N≈4."}},
		{"peak ahead", scale.USL{Sigma: 0.01, Kappa: 0.002, Lambda: 100}, 0,
			[]string{"caps throughput near N≈22."}},
		{"cores", scale.USL{Sigma: 0.2, Lambda: 100}, 2,
			[]string{"bounds speed-up below 5.0x; beyond N=2 goroutines share 2 cores"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := analyse(series{name: tc.name, cause: "the lock", points: synthetic(tc.m, 1, 2, 4, 8), cores: tc.cores})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(a.Sentence, w) {
					t.Errorf("sentence %q lacks %q", a.Sentence, w)
				}
			}
		})
	}
}

// TestBaselineWithoutOne: with no measurement at N = 1, speed-up is
// relative to the fitted throughput of one unit.
func TestBaselineWithoutOne(t *testing.T) {
	m := scale.USL{Sigma: 0.1, Lambda: 50}
	a, err := analyse(series{name: "x", points: synthetic(m, 2, 4, 8)})
	if err != nil {
		t.Fatal(err)
	}
	if a.Baseline != "fitted lambda" {
		t.Errorf("baseline %q", a.Baseline)
	}
	if got, want := a.Rows[0].Speedup, m.Throughput(2)/50; got < want*0.999 || got > want*1.001 {
		t.Errorf("speed-up at 2 = %g, want %g", got, want)
	}
}

// TestExitStatus runs main in a child process: errors exit 1 with one line
// on stderr, -h exits 0.
func TestExitStatus(t *testing.T) {
	if os.Getenv("CONCUR_RUN_MAIN") == "1" {
		os.Args = append([]string{"concur"}, strings.Fields(os.Getenv("CONCUR_ARGS"))...)
		main()
		os.Exit(0)
	}
	for _, tc := range []struct {
		args   string
		status int
	}{
		{"fit testdata/no-such.csv", 1},
		{"lab -bogus", 1},
		{"fit -h", 0},
		{"fit testdata/specsdm91.csv", 0},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestExitStatus$")
		cmd.Env = append(os.Environ(), "CONCUR_RUN_MAIN=1", "CONCUR_ARGS="+tc.args)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		status := 0
		if ee, ok := err.(*exec.ExitError); ok {
			status = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if status != tc.status {
			t.Errorf("concur %s: exit %d, want %d", tc.args, status, tc.status)
		}
		if tc.status != 0 {
			if lines := strings.Split(strings.TrimSpace(stderr.String()), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "concur: ") {
				t.Errorf("concur %s: stderr %q, want one line", tc.args, stderr.String())
			}
		}
	}
}
