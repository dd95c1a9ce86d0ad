package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concurkit/concur/cmd/concur/internal/lab"
	"github.com/concurkit/concur/scale"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// fixedMachine is the machine the golden files describe: 2 usable
// processors, busy, on a fixed date.
var fixedMachine = lab.Machine{CPUModel: "Example CPU @ 3.0GHz", NumCPU: 2, Cores: 2, GOMAXPROCS: 2,
	GoVersion: "go1.99", OSArch: "linux/amd64", Date: "2026-01-02T03:04:05Z", Module: "github.com/concurkit/concur v0.0.0-test", LoadAvg: 1.5}

// testEnv is the environment of a test run: stdin from in, the built-in
// workloads unless ws is given, and fixedMachine.
func testEnv(in string, stdout, stderr io.Writer, ws []lab.Workload) env {
	e := env{stdin: strings.NewReader(in), stdout: stdout, stderr: stderr,
		workloads: lab.Builtin, machine: func() lab.Machine { return fixedMachine }}
	if ws != nil {
		e.workloads = func() []lab.Workload { return ws }
	}
	return e
}

// runCmd runs the command line as main would and returns what a user sees.
func runCmd(t *testing.T, args []string, in string) (stdout, stderr, errLine string) {
	t.Helper()
	return runWith(t, args, in, nil)
}

func runWith(t *testing.T, args []string, in string, ws []lab.Workload) (stdout, stderr, errLine string) {
	t.Helper()
	var o, e bytes.Buffer
	if err := run(args, testEnv(in, &o, &e, ws)); err != nil {
		errLine = errorLine(err)
	}
	return o.String(), e.String(), errLine
}

// fakeWorkloads produce fixed samples and evidence, so that the lab's
// whole output is deterministic: the measurement is injected, not timed.
func fakeWorkloads() []lab.Workload {
	series := func(name, hyp string, xs map[int][]float64, ev map[int]lab.Evidence) lab.Series {
		s := lab.Series{Name: name, Desc: "a fake workload for the golden test", Unit: "ops/s", Hypothesis: hyp}
		for _, n := range []int{1, 2, 4, 8} {
			s.Samples = append(s.Samples, scale.Sample{N: float64(n), Procs: float64(min(n, 2)), X: xs[n]})
			if ev == nil {
				continue
			}
			e := ev[n]
			e.N, e.Procs = n, min(n, 2)
			s.Evidence = append(s.Evidence, e)
		}
		return s
	}
	produce := func(s lab.Series) func(lab.Config) ([]lab.Series, error) {
		return func(lab.Config) ([]lab.Series, error) { return []lab.Series{s}, nil }
	}
	return []lab.Workload{
		{Name: "calibration/fake", Produce: produce(series("calibration/fake", "nothing is shared",
			map[int][]float64{1: {100, 99, 101, 100, 98}, 2: {199, 196, 200, 198, 201}, 4: {197, 199, 200, 196, 198}, 8: {198, 195, 199, 197, 200}},
			map[int]lab.Evidence{1: {CPUUtil: 0.99}, 2: {CPUUtil: 0.98}, 4: {CPUUtil: 0.99}, 8: {CPUUtil: 0.99}}))},
		// An experiment that judges its own series, which is a cost, not a
		// throughput: shown with its spread, not fitted.
		{Name: "exp/fake-cost", Produce: func(lab.Config) ([]lab.Series, error) {
			return []lab.Series{{Name: "exp/fake-cost", Desc: "start N goroutines", Unit: "s/unit", Hypothesis: "starting a goroutine costs microseconds",
				Samples: []scale.Sample{{N: 1, Procs: 2, X: []float64{2e-6, 2.2e-6, 1.9e-6}}, {N: 1000, Procs: 2, X: []float64{3e-7, 3.3e-7, 2.9e-7}}},
				Verdict: "Supported: a goroutine started in 0.30µs [0.29, 0.33] each at N=1000.", Facts: []string{"1000 goroutines were alive at once"}}}, nil
		}},
		{Name: "perfect", Produce: produce(series("perfect", "nothing is shared either",
			map[int][]float64{1: {100, 100, 100}, 2: {200, 200, 200}, 4: {200, 200, 200}, 8: {200, 200, 200}}, nil))},
		{Name: "locked", Produce: produce(series("locked", "one lock serialises part of the work",
			map[int][]float64{1: {25, 24.5, 25.75, 25.25, 24.75}, 2: {38, 37.25, 38.75, 37.75, 37.5}, 4: {37.5, 36.5, 38.25, 37.25, 37.75}, 8: {36.75, 36, 37.5, 37.25, 36.5}},
			map[int]lab.Evidence{1: {CPUUtil: 0.99, PerCPU: []float64{25, 24.6, 25.5}}, 2: {CPUUtil: 0.97, PerCPU: []float64{14, 13.6, 14.2}, Blocked: 0.61, Sites: []lab.Site{{Where: "syncx.(*Mutex).Lock from builtin.go:88", Share: 0.58}}},
				4: {CPUUtil: 0.98, Blocked: 0.80}, 8: {CPUUtil: 0.98, Blocked: 0.90}}))},
	}
}

// TestGolden compares the complete output of fit and scale -in, and of every
// kind of bad input, with testdata/golden/NAME.golden. Run
// go test ./cmd/concur -run TestGolden -update to rewrite them.
func TestGolden(t *testing.T) {
	specsdm91, err := os.ReadFile("testdata/specsdm91.csv")
	if err != nil {
		t.Fatal(err)
	}
	bench, err := os.ReadFile("testdata/bench.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
	}{
		{"fit_specsdm91", []string{"fit", "testdata/specsdm91.csv"}, ""},
		{"fit_stdin", []string{"fit", "-"}, string(specsdm91)},
		{"fit_stdin_spaces", []string{"fit", "-"}, "# measured elsewhere\n n , x\n1, 100\n2, 180\n4, 290\n8, 330\n"},
		{"scale_in", []string{"scale", "-out", "", "-in", "testdata/bench.txt"}, ""},
		{"scale_in_stdin", []string{"scale", "-out=", "-in", "-"}, string(bench)},
		// A sub-benchmark whose own name ends in -64: at GOMAXPROCS 1 go
		// test adds no suffix, and that line is not a run at 64 procs.
		{"scale_in_subsuffix", []string{"scale", "-out", "", "-in", "testdata/subsuffix.txt"}, ""},
		// One benchmark cannot be fitted: it is skipped with a warning and
		// the others are still reported.
		{"scale_in_mixed", []string{"scale", "-out", "", "-in", "testdata/mixed.txt"}, ""},
		// A benchmark without b.RunParallel: flat across -cpu.
		{"scale_in_flat", []string{"scale", "-out", "", "-in", "testdata/flat.txt"}, ""},
		{"scale_in_cores", []string{"scale", "-out", "", "-cores", "2", "-in", "testdata/bench.txt"}, ""},
		// Perfect scaling on 2 processors, then time-sharing: never contention.
		{"fit_perfect_2cores", []string{"fit", "-cores", "2", "testdata/perfect2.csv"}, ""},
		{"fit_reps_unit", []string{"fit", "testdata/reps.csv"}, ""},
		{"lab_fake", []string{"lab", "-out", ""}, ""},
		{"version", []string{"version"}, ""},
		{"err_lab_out", []string{"lab", "-out", "testdata/no-such-dir/r.html"}, ""},
		{"err_lab_max_big", []string{"lab", "-max", "100000"}, ""},
		{"err_fit_out", []string{"fit", "-out", "testdata/no-such-dir/r.html", "testdata/specsdm91.csv"}, ""},

		{"err_no_command", nil, ""},
		{"err_unknown_command", []string{"measure"}, ""},
		{"err_fit_missing_file", []string{"fit", "testdata/no-such.csv"}, ""},
		{"err_fit_no_args", []string{"fit"}, ""},
		{"err_fit_two_args", []string{"fit", "a.csv", "b.csv"}, ""},
		{"err_fit_malformed", []string{"fit", "testdata/malformed.csv"}, ""},
		{"err_fit_not_number", []string{"fit", "testdata/notnumber.csv"}, ""},
		{"err_fit_bad_header", []string{"fit", "testdata/badheader.csv"}, ""},
		{"err_fit_empty", []string{"fit", "testdata/empty.csv"}, ""},
		{"fit_two_levels", []string{"fit", "testdata/twolevels.csv"}, ""},
		{"err_fit_non_positive", []string{"fit", "testdata/nonpositive.csv"}, ""},
		{"err_fit_unknown_flag", []string{"fit", "-x", "testdata/specsdm91.csv"}, ""},
		{"err_scale_no_results", []string{"scale", "-in", "testdata/noresults.txt"}, ""},
		{"err_scale_empty_stdin", []string{"scale", "-in", "-"}, ""},
		{"scale_in_two_cpus", []string{"scale", "-out", "", "-in", "testdata/twocpu.txt"}, ""},
		{"err_scale_missing_file", []string{"scale", "-in", "testdata/no-such.txt"}, ""},
		{"err_scale_cpu_list", []string{"scale", "-cpu", "1"}, ""},
		{"err_scale_cpu_bad", []string{"scale", "-cpu", "1,two,4"}, ""},
		{"err_scale_unknown_flag", []string{"scale", "-benchmem"}, ""},
		{"err_lab_unknown_flag", []string{"lab", "-cores", "4"}, ""},
		{"err_lab_max", []string{"lab", "-max", "1"}, ""},
		{"err_lab_duration", []string{"lab", "-duration", "1ns"}, ""},
		{"err_lab_run", []string{"lab", "-run", "nothing-matches"}, ""},
		{"err_lab_bad_duration", []string{"lab", "-duration", "soon"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ws []lab.Workload
			if strings.HasPrefix(tc.name, "lab_") || strings.HasPrefix(tc.name, "err_lab") {
				ws = fakeWorkloads()
			}
			stdout, stderr, errLine := runWith(t, tc.args, tc.stdin, ws)
			if strings.HasPrefix(tc.name, "err_") {
				if errLine == "" {
					t.Fatalf("no error; stdout:\n%s", stdout)
				}
				if strings.Contains(errLine, "\n") || strings.Contains(errLine, "goroutine ") {
					t.Errorf("error is not one line: %q", errLine)
				}
				// A failed command leaves no report behind, not even an
				// empty one created when -out was checked.
				for _, f := range []string{"concur-lab.html", "concur-scale.html"} {
					if _, err := os.Stat(f); err == nil {
						os.Remove(f)
						t.Errorf("a failed command left %s behind", f)
					}
				}
			} else if errLine != "" {
				t.Fatalf("error: %s", errLine)
			}
			var got bytes.Buffer
			got.WriteString("$ concur " + strings.Join(tc.args, " ") + "\n")
			got.WriteString("--- stdout\n" + stdout)
			got.WriteString("--- stderr\n" + stderr)
			got.WriteString("--- error\n" + errLine + "\n")
			path := filepath.Join("testdata", "golden", tc.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got.String() != string(want) {
				t.Errorf("output differs from %s:\n--- got\n%s--- want\n%s", path, got.String(), want)
			}
		})
	}
}

// TestHelp checks that -h on every command prints its usage to stdout and
// succeeds.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{
		{"-h"}, {"help"}, {"lab", "-h"}, {"scale", "-h"}, {"fit", "-h"}, {"fit", "-help"},
	} {
		stdout, stderr, errLine := runCmd(t, args, "")
		if errLine != "" || stderr != "" {
			t.Errorf("%v: error %q, stderr %q", args, errLine, stderr)
		}
		if !strings.HasPrefix(stdout, "usage: concur") {
			t.Errorf("%v: stdout does not start with the usage:\n%s", args, stdout)
		}
		if len(args) == 2 && !strings.Contains(stdout, "Flags:") {
			t.Errorf("%v: no flags listed:\n%s", args, stdout)
		}
	}
}
