package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
	set, err := parseBench(strings.NewReader(in), "in")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range set.series {
		var ps []string
		for _, n := range s.order {
			for _, x := range s.x[n] {
				ps = append(ps, fmt.Sprintf("%d:%.4g", n, x))
			}
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
	stdout, stderr, errLine := runCmd(t, []string{"scale", "-cpu", "1,2,3", "-count", "3", "-benchtime", "200x", "-out", report, "./testdata/benchpkg", "--", "-benchmem"}, "")
	if errLine != "" {
		t.Fatalf("%s\nstderr:\n%s", errLine, stderr)
	}
	if !strings.Contains(stdout, "\n== LockedCounter (github.com/concurkit/concur/cmd/concur/testdata/benchpkg)\n") {
		t.Errorf("stdout:\n%s", stdout)
	}
	for _, want := range []string{"USL", "Amdahl", "\n=> ", "The benchmarks ran on ", "CPU busy", "evidence N=2: CPU busy "} {
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

// TestScaleFlat: a benchmark that does not use b.RunParallel is flagged,
// not explained as contention.
func TestScaleFlat(t *testing.T) {
	stdout, _, errLine := runCmd(t, []string{"scale", "-out", "", "-in", "testdata/flat.txt"}, "")
	if errLine != "" {
		t.Fatal(errLine)
	}
	if !strings.Contains(stdout, "b.RunParallel") {
		t.Errorf("no warning about a benchmark that is not parallel:\n%s", stdout)
	}
	for _, wrong := range []string{"serial part limits", "coherency cost κ", "slows it down"} {
		if strings.Contains(stdout, wrong) {
			t.Errorf("flat benchmark explained with %q:\n%s", wrong, stdout)
		}
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
