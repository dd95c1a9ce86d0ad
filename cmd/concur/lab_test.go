package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestLab runs a small lab on the real workloads and checks the structure
// of what it prints and writes; the timings are the machine's business.
func TestLab(t *testing.T) {
	report := filepath.Join(t.TempDir(), "lab.html")
	var stdout, stderr bytes.Buffer
	args := []string{"lab", "-max", "3", "-duration", "10ms", "-reps", "3", "-run", "calibration|letters/atomics|rwmap/Fair|pipeline/chunky", "-progress", "-out", report}
	before := runtime.GOMAXPROCS(0)
	e := testEnv("", &stdout, &stderr, nil)
	if err := run(args, e); err != nil {
		t.Fatalf("%s\nstderr:\n%s", errorLine(err), stderr.String())
	}
	if after := runtime.GOMAXPROCS(0); after != before {
		t.Errorf("GOMAXPROCS left at %d, was %d", after, before)
	}
	out := stdout.String()
	if !strings.HasPrefix(out, "concur lab: 4 workloads at N = 1,2,3 goroutines, 3 repetitions of 10ms per level") {
		t.Errorf("header line missing:\n%s", out)
	}
	names := []string{"calibration/no-sharing", "letters/atomics", "rwmap/Fair", "pipeline/chunky"}
	sections := strings.Split(out, "\n== ")[1:]
	if len(sections) != len(names) {
		t.Fatalf("got %d workload sections, want %d:\n%s", len(sections), len(names), out)
	}
	for i, sec := range sections {
		if !strings.HasPrefix(sec, names[i]+": ") {
			t.Errorf("section %d starts %q, want %s", i, sec[:min(40, len(sec))], names[i])
		}
		for _, want := range []string{"procs", "±", "per proc", "CPU busy", "blocked", "\n=> ", "evidence N=2:"} {
			if !strings.Contains(sec, want) {
				t.Errorf("%s: lacks %q:\n%s", names[i], want, sec)
			}
		}
	}
	if !strings.Contains(stderr.String(), "measuring  ") || !strings.Contains(stderr.String(), "rwmap/Fair N=2") {
		t.Errorf("no progress on stderr:\n%q", stderr.String())
	}
	if !strings.Contains(stderr.String(), "report written to "+report) {
		t.Errorf("stderr does not say where the report is:\n%s", stderr.String())
	}
	page, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, page, names, 3)
	sameStatements(t, out, string(page))
}

// sameStatements checks that every verdict, evidence line and caveat of the
// text output is in the HTML page too: the renderers cannot drift.
func sameStatements(t *testing.T, text, page string) {
	t.Helper()
	page = html.UnescapeString(page)
	n := 0
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		var stmt string
		switch {
		case strings.HasPrefix(line, "=> "):
			stmt = strings.TrimPrefix(line, "=> ")
		case strings.HasPrefix(line, "caveat: "), strings.HasPrefix(line, "evidence "), strings.HasPrefix(line, "WARNING: "):
			stmt = line
		case strings.HasPrefix(line, "This process"), strings.HasPrefix(line, "USL"), strings.HasPrefix(line, "Amdahl"):
			stmt = line
		default:
			continue
		}
		n++
		if !strings.Contains(page, stmt) {
			t.Errorf("the HTML lacks a statement of the text:\n%s", stmt)
		}
	}
	if n == 0 {
		t.Error("no statements found in the text")
	}
}

// checkReport parses the HTML report (it is well-formed XML) and checks that
// each workload has a section with a chart: its measured points with error
// bars and the ideal line.
func checkReport(t *testing.T, page []byte, names []string, levels int) {
	t.Helper()
	if bytes.Contains(page, []byte("<script")) || bytes.Contains(page, []byte("http://")) && !bytes.Contains(page, []byte(`xmlns="http://www.w3.org/2000/svg"`)) {
		t.Error("report loads scripts or remote resources")
	}
	type svg struct {
		Circles []struct{} `xml:"circle"`
		Paths   []struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	type section struct {
		H2  string `xml:"h2"`
		SVG []svg  `xml:"svg"`
	}
	var doc struct {
		Body struct {
			Sections []section `xml:"section"`
		} `xml:"body"`
	}
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	if err := d.Decode(&doc); err != nil && err != io.EOF {
		t.Fatalf("report is not well-formed: %v", err)
	}
	secs := doc.Body.Sections
	if len(secs) != len(names) {
		t.Fatalf("report has %d sections, want %d", len(secs), len(names))
	}
	for i, s := range secs {
		if s.H2 != names[i] {
			t.Errorf("section %d is %q, want %q", i, s.H2, names[i])
		}
		if len(s.SVG) != 1 {
			t.Errorf("%s: %d charts, want 1", s.H2, len(s.SVG))
			continue
		}
		c := s.SVG[0]
		if len(c.Circles) != levels { // the legend's circles are inside a <g>
			t.Errorf("%s: %d points drawn, want %d", s.H2, len(c.Circles), levels)
		}
		if len(c.Paths) == 0 || !strings.HasPrefix(c.Paths[0].D, "M") {
			t.Errorf("%s: no ideal line", s.H2)
		}
	}
}

// TestReportFromFit checks the report of the fit command, whose input is
// fixed.
func TestReportFromFit(t *testing.T) {
	report := filepath.Join(t.TempDir(), "fit.html")
	stdout, stderr, errLine := runCmd(t, []string{"fit", "-out", report, "testdata/specsdm91.csv"}, "")
	if errLine != "" {
		t.Fatal(errLine)
	}
	if !strings.Contains(stderr, report) {
		t.Errorf("stderr %q does not name the report", stderr)
	}
	page, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, page, []string{"specsdm91.csv"}, 7)
	for _, want := range []string{"σ=0.0277", "κ=0.000104", "N≈97", "USL peak"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	sameStatements(t, stdout, string(page))
}

func TestDoublings(t *testing.T) {
	for _, tc := range []struct {
		max  int
		want string
	}{{2, "[1 2]"}, {3, "[1 2 3]"}, {4, "[1 2 4]"}, {8, "[1 2 4 8]"}, {12, "[1 2 4 8 12]"}} {
		if got := fmt.Sprint(doublings(tc.max)); got != tc.want {
			t.Errorf("doublings(%d) = %s, want %s", tc.max, got, tc.want)
		}
	}
}
