package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestLab runs a small lab and checks the structure of what it prints and
// writes; the timings themselves are the machine's business.
func TestLab(t *testing.T) {
	report := filepath.Join(t.TempDir(), "lab.html")
	var stdout, stderr bytes.Buffer
	args := []string{"lab", "-max", "3", "-duration", "3ms", "-run", "letters/atomics|rwmap/Fair|pipeline", "-progress", "-out", report}
	before := runtime.GOMAXPROCS(0)
	if err := run(args, &stdout, &stderr); err != nil {
		t.Fatalf("%s\nstderr:\n%s", errorLine(err), stderr.String())
	}
	if after := runtime.GOMAXPROCS(0); after != before {
		t.Errorf("GOMAXPROCS left at %d, was %d", after, before)
	}
	out := stdout.String()
	if !strings.HasPrefix(out, "concur lab: 4 workloads at N = 1,2,3 goroutines, 3ms each; GOMAXPROCS = min(N, NumCPU = ") {
		t.Errorf("header line missing:\n%s", out)
	}
	names := []string{"letters/atomics", "rwmap/Fair", "pipeline/chatty", "pipeline/chunky"}
	sections := strings.Split(out, "\n== ")[1:]
	if len(sections) != len(names) {
		t.Fatalf("got %d workload sections, want %d:\n%s", len(sections), len(names), out)
	}
	row := regexp.MustCompile(`^\s+(\d+)\s+(\d+)\s+\S+\s+\d+\.\d\dx\s+\d+%\s+(-|-?\d+\.\d{3})$`)
	for i, sec := range sections {
		lines := strings.Split(strings.TrimSpace(sec), "\n")
		if !strings.HasPrefix(lines[0], names[i]+": ") {
			t.Errorf("section %d starts %q, want %s", i, lines[0], names[i])
		}
		if !strings.Contains(lines[1], "GOMAXPROCS") || !strings.Contains(lines[1], "Karp-Flatt") {
			t.Errorf("%s: table header %q", names[i], lines[1])
		}
		for j, n := range []string{"1", "2", "3"} {
			m := row.FindStringSubmatch(lines[2+j])
			if m == nil || m[1] != n {
				t.Errorf("%s: row %q, want N=%s", names[i], lines[2+j], n)
				continue
			}
			if want := min(j+1, runtime.NumCPU()); m[2] != string(rune('0'+want)) {
				t.Errorf("%s: GOMAXPROCS %s at N=%s, want %d", names[i], m[2], n, want)
			}
		}
		for j, prefix := range []string{"USL fit: sigma=", "Amdahl fit: serial fraction ", "=> serial fraction "} {
			if l := lines[5+j]; !strings.HasPrefix(l, prefix) {
				t.Errorf("%s: line %q, want prefix %q", names[i], l, prefix)
			}
		}
		if !strings.Contains(lines[4], "R²=") && !strings.Contains(lines[5], "R²=") {
			t.Errorf("%s: no R² reported", names[i])
		}
	}
	if !strings.Contains(stderr.String(), "report written to "+report) {
		t.Errorf("stderr does not say where the report is:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "N=3") {
		t.Errorf("no progress on stderr:\n%q", stderr.String())
	}
	html, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, html, names, 3)
}

// checkReport parses the HTML report (it is well-formed XML) and checks that
// each workload has a section with a chart: its measured points and the
// two fitted curves.
func checkReport(t *testing.T, html []byte, names []string, levels int) {
	t.Helper()
	if bytes.Contains(html, []byte("<script")) || bytes.Contains(html, []byte("http://")) && !bytes.Contains(html, []byte(`xmlns="http://www.w3.org/2000/svg"`)) {
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
	d := xml.NewDecoder(bytes.NewReader(html))
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
		if len(c.Circles) != levels { // the legend's circle is inside a <g>
			t.Errorf("%s: %d points drawn, want %d", s.H2, len(c.Circles), levels)
		}
		if len(c.Paths) != 2 || !strings.HasPrefix(c.Paths[0].D, "M") || !strings.HasPrefix(c.Paths[1].D, "M") {
			t.Errorf("%s: want the Amdahl and the USL curve, got %d paths", s.H2, len(c.Paths))
		}
	}
}

// TestReportFromFit checks the report of the fit command, whose input is
// fixed: the curves must pass through the chart where the data are.
func TestReportFromFit(t *testing.T) {
	report := filepath.Join(t.TempDir(), "fit.html")
	_, stderr, errLine := runCmd(t, []string{"fit", "-out", report, "testdata/specsdm91.csv"}, "")
	if errLine != "" {
		t.Fatal(errLine)
	}
	if !strings.Contains(stderr, report) {
		t.Errorf("stderr %q does not name the report", stderr)
	}
	html, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, html, []string{"specsdm91.csv"}, 7)
	for _, want := range []string{"σ=0.0277", "κ=0.000104", "R²=0.990", "N≈96.5"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestWorkloads runs every workload briefly: each must do work and pass its
// own consistency check (no lost updates) with several goroutines.
func TestWorkloads(t *testing.T) {
	for _, w := range workloads() {
		t.Run(w.name, func(t *testing.T) {
			for _, n := range []int{1, 4} {
				units, el, err := w.run(n, 5*time.Millisecond)
				if err != nil {
					t.Fatalf("N=%d: %v", n, err)
				}
				if units <= 0 || el < 5*time.Millisecond {
					t.Errorf("N=%d: %d units in %v", n, units, el)
				}
			}
		})
	}
}

func TestDoublings(t *testing.T) {
	for _, tc := range []struct {
		max  int
		want string
	}{{3, "[1 2 3]"}, {4, "[1 2 4]"}, {8, "[1 2 4 8]"}, {12, "[1 2 4 8 12]"}} {
		if got := fmt.Sprint(doublings(tc.max)); got != tc.want {
			t.Errorf("doublings(%d) = %s, want %s", tc.max, got, tc.want)
		}
	}
}
