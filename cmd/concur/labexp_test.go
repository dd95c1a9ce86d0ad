package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/concurkit/concur/cmd/concur/internal/experiments"
)

// TestLabExperiments runs every experiment, tiny, through concur lab and
// checks what it prints and adds to the report.
func TestLabExperiments(t *testing.T) {
	old := experimentConfig
	experimentConfig = experiments.Config{Reps: 2, Size: 0.001}
	defer func() { experimentConfig = old }()
	report := filepath.Join(t.TempDir(), "lab.html")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"lab", "-run", "exp/", "-out", report}, &stdout, &stderr); err != nil {
		t.Fatalf("%s\nstderr:\n%s", errorLine(err), stderr.String())
	}
	out := stdout.String()
	if !strings.HasPrefix(out, "concur lab: 5 experiments on textbook claims") {
		t.Errorf("no experiments header, or a workload header:\n%s", out)
	}
	var names []string
	for _, e := range experiments.All() {
		names = append(names, e.Name)
	}
	verdict := regexp.MustCompile(`(?m)^=> (supported|partly supported|contradicted|not testable on this machine|inconclusive): \S`)
	sections := strings.Split(out, "\n== ")[1:]
	if len(sections) != len(names) {
		t.Fatalf("%d experiment sections, want %d:\n%s", len(sections), len(names), out)
	}
	for i, sec := range sections {
		lines := strings.Split(sec, "\n")
		if !strings.HasPrefix(lines[0], names[i]+": ") || !strings.HasPrefix(lines[1], "claim: ") ||
			!strings.HasPrefix(lines[2], "series ") || !strings.Contains(lines[2], "min–max") {
			t.Errorf("section %d does not open with name, claim and table:\n%s", i, sec)
		}
		if !verdict.MatchString(sec) {
			t.Errorf("%s: no verdict line:\n%s", names[i], sec)
		}
	}
	html, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Body struct {
			Sections []struct {
				Class string     `xml:"class,attr"`
				H2    string     `xml:"h2"`
				Rows  []struct{} `xml:"table>tr"`
				SVG   []struct {
					Paths []struct {
						D string `xml:"d,attr"`
					} `xml:"path"`
					Circles []struct{} `xml:"circle"`
				} `xml:"svg"`
			} `xml:"section"`
		} `xml:"body"`
	}
	d := xml.NewDecoder(bytes.NewReader(html))
	d.Strict, d.Entity = true, xml.HTMLEntity
	if err := d.Decode(&doc); err != nil && err != io.EOF {
		t.Fatalf("report is not well-formed: %v", err)
	}
	if len(doc.Body.Sections) != len(names) {
		t.Fatalf("report has %d sections, want %d", len(doc.Body.Sections), len(names))
	}
	for i, s := range doc.Body.Sections {
		if s.Class != "experiment" || s.H2 != names[i] || len(s.Rows) < 2 {
			t.Errorf("section %d: class %q, title %q, %d table rows", i, s.Class, s.H2, len(s.Rows))
		}
		wantCharts := 0
		if s.H2 == "exp/amdahl-gustafson" {
			wantCharts = 1
		}
		if len(s.SVG) != wantCharts {
			t.Errorf("%s: %d charts, want %d", s.H2, len(s.SVG), wantCharts)
			continue
		}
		// One chart with the ideal line, Amdahl's and Gustafson's curves,
		// and a circle per weak-scaling level plus the legend's.
		if wantCharts == 0 {
			continue
		}
		if len(s.SVG[0].Paths) != 3 || len(s.SVG[0].Circles) < 3 {
			t.Errorf("%s: chart has %d curves and %d circles", s.H2, len(s.SVG[0].Paths), len(s.SVG[0].Circles))
		}
		for _, p := range s.SVG[0].Paths {
			if !strings.HasPrefix(p.D, "M") || strings.Count(p.D, "L") < 10 {
				t.Errorf("%s: curve %q is not drawn", s.H2, p.D)
			}
		}
	}
}

func TestExperimentSelection(t *testing.T) {
	old := experimentConfig
	experimentConfig = experiments.Config{Reps: 2, Size: 0.001}
	defer func() { experimentConfig = old }()
	stdout, _, errLine := runCmd(t, []string{"lab", "-run", "exp/false", "-out", ""}, "")
	if errLine != "" {
		t.Fatal(errLine)
	}
	if got := strings.Count(stdout, "\n== "); got != 1 || !strings.Contains(stdout, "\n== exp/false-sharing: ") {
		t.Errorf("-run exp/false printed %d sections:\n%s", got, stdout)
	}

	if got := len(selectExperiments(nil)); got != 5 {
		t.Errorf("default run includes %d experiments, want all 5 quick ones", got)
	}
	if es := selectExperiments(regexp.MustCompile("false")); len(es) != 1 || es[0].Name != "exp/false-sharing" {
		t.Errorf("-run false selects %v", es)
	}
	stdout, _, errLine = runCmd(t, []string{"lab", "-h"}, "")
	if errLine != "" {
		t.Fatal(errLine)
	}
	for _, e := range experiments.All() {
		if !strings.Contains(stdout, e.Name) {
			t.Errorf("lab -h does not list %s", e.Name)
		}
	}
}
