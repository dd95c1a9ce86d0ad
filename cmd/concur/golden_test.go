package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// runCmd runs the command line as main would and returns what a user sees.
func runCmd(t *testing.T, args []string, in string) (stdout, stderr, errLine string) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(in)
	defer func() { stdin = old }()
	var o, e bytes.Buffer
	if err := run(args, &o, &e); err != nil {
		errLine = errorLine(err)
	}
	return o.String(), e.String(), errLine
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

		{"err_no_command", nil, ""},
		{"err_unknown_command", []string{"measure"}, ""},
		{"err_fit_missing_file", []string{"fit", "testdata/no-such.csv"}, ""},
		{"err_fit_no_args", []string{"fit"}, ""},
		{"err_fit_two_args", []string{"fit", "a.csv", "b.csv"}, ""},
		{"err_fit_malformed", []string{"fit", "testdata/malformed.csv"}, ""},
		{"err_fit_not_number", []string{"fit", "testdata/notnumber.csv"}, ""},
		{"err_fit_bad_header", []string{"fit", "testdata/badheader.csv"}, ""},
		{"err_fit_empty", []string{"fit", "testdata/empty.csv"}, ""},
		{"err_fit_two_levels", []string{"fit", "testdata/twolevels.csv"}, ""},
		{"err_fit_non_positive", []string{"fit", "testdata/nonpositive.csv"}, ""},
		{"err_fit_unknown_flag", []string{"fit", "-x", "testdata/specsdm91.csv"}, ""},
		{"err_scale_no_results", []string{"scale", "-in", "testdata/noresults.txt"}, ""},
		{"err_scale_empty_stdin", []string{"scale", "-in", "-"}, ""},
		{"err_scale_two_cpus", []string{"scale", "-in", "testdata/twocpu.txt"}, ""},
		{"err_scale_missing_file", []string{"scale", "-in", "testdata/no-such.txt"}, ""},
		{"err_scale_cpu_list", []string{"scale", "-cpu", "1,2"}, ""},
		{"err_scale_cpu_bad", []string{"scale", "-cpu", "1,two,4"}, ""},
		{"err_scale_unknown_flag", []string{"scale", "-benchmem"}, ""},
		{"err_lab_unknown_flag", []string{"lab", "-cores", "4"}, ""},
		{"err_lab_max", []string{"lab", "-max", "2"}, ""},
		{"err_lab_duration", []string{"lab", "-duration", "0s"}, ""},
		{"err_lab_run", []string{"lab", "-run", "nothing-matches"}, ""},
		{"err_lab_bad_duration", []string{"lab", "-duration", "soon"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, errLine := runCmd(t, tc.args, tc.stdin)
			if strings.HasPrefix(tc.name, "err_") {
				if errLine == "" {
					t.Fatalf("no error; stdout:\n%s", stdout)
				}
				if strings.Contains(errLine, "\n") || strings.Contains(errLine, "goroutine ") {
					t.Errorf("error is not one line: %q", errLine)
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
