package main

import (
	"bytes"
	"encoding/xml"
	"html"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concurkit/concur/cmd/concur/internal/experiments"
)

var outcomes = []string{"Supported: ", "Partly supported: ", "Contradicted: ", "Not testable on this machine: ", "Inconclusive: "}

// TestLabExperiments runs every experiment, tiny, through concur lab and
// checks that each is a section with its claim, its table and its verdict,
// in the text and in the HTML, and that the Amdahl vs Gustafson section
// charts both laws over its points.
func TestLabExperiments(t *testing.T) {
	report := filepath.Join(t.TempDir(), "lab.html")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"lab", "-run", "exp/", "-out", report}, testEnv("", &stdout, &stderr, nil)); err != nil {
		t.Fatalf("%s\nstderr:\n%s", errorLine(err), stderr.String())
	}
	out := stdout.String()
	if !strings.HasPrefix(out, "concur lab: 5 workloads that measure on their own\n") {
		t.Errorf("header does not count 5 experiments and no workload:\n%s", out)
	}
	var names []string
	for _, e := range experiments.All() {
		names = append(names, e.Name)
	}
	sections := strings.Split(out, "\n== ")[1:]
	if len(sections) != len(names) {
		t.Fatalf("%d experiment sections, want %d:\n%s", len(sections), len(names), out)
	}
	for i, sec := range sections {
		lines := strings.Split(sec, "\n")
		if !strings.HasPrefix(lines[0], names[i]+": ") || !strings.HasPrefix(lines[1], "built to show: ") ||
			!strings.Contains(lines[2], "series") || !strings.Contains(lines[2], "min–max") {
			t.Errorf("section %d does not open with name, claim and table:\n%s", i, sec)
		}
		if v := verdictOf(sec); !hasOutcome(v) {
			t.Errorf("%s: verdict %q does not start with an outcome:\n%s", names[i], v, sec)
		}
		if !strings.Contains(sec, "   evidence ") {
			t.Errorf("%s: no checked facts:\n%s", names[i], sec)
		}
	}
	if !strings.Contains(sections[2], "strong scaling: speed-up: Amdahl's law, serial fraction ") ||
		!strings.Contains(sections[2], "weak scaling: scaled speed-up: Gustafson's law, serial fraction ") {
		t.Errorf("the Amdahl vs Gustafson section does not state both fitted laws:\n%s", sections[2])
	}
	page, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	sameStatements(t, out, string(page))
	// The laws are stated in the page as in the text.
	for _, line := range strings.Split(sections[2], "\n") {
		if strings.Contains(line, "'s law, serial fraction") && !strings.Contains(html.UnescapeString(string(page)), line) {
			t.Errorf("the HTML lacks %q", line)
		}
	}
	checkExperimentCharts(t, page, names)
}

// checkExperimentCharts parses the report and checks that only the Amdahl
// vs Gustafson section has a chart, with the ideal line and both laws drawn
// across it and the measured points of both runs.
func checkExperimentCharts(t *testing.T, page []byte, names []string) {
	t.Helper()
	var doc struct {
		Body struct {
			Sections []struct {
				H2   string     `xml:"h2"`
				Rows []struct{} `xml:"table>tr"`
				SVG  []struct {
					Paths []struct {
						D string `xml:"d,attr"`
					} `xml:"path"`
					Circles []struct{} `xml:"circle"`
					Legend  []struct {
						Text string `xml:"text"`
					} `xml:"g"`
				} `xml:"svg"`
			} `xml:"section"`
		} `xml:"body"`
	}
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict, d.Entity = true, xml.HTMLEntity
	if err := d.Decode(&doc); err != nil && err != io.EOF {
		t.Fatalf("report is not well-formed: %v", err)
	}
	if len(doc.Body.Sections) != len(names) {
		t.Fatalf("report has %d sections, want %d", len(doc.Body.Sections), len(names))
	}
	for i, s := range doc.Body.Sections {
		if s.H2 != names[i] || len(s.Rows) < 2 {
			t.Errorf("section %d: title %q, %d table rows", i, s.H2, len(s.Rows))
		}
		want := 0
		if s.H2 == "exp/amdahl-gustafson" {
			want = 1
		}
		if len(s.SVG) != want {
			t.Errorf("%s: %d charts, want %d", s.H2, len(s.SVG), want)
			continue
		}
		if want == 0 {
			continue
		}
		c := s.SVG[0]
		if len(c.Paths) != 3 {
			t.Errorf("%s: chart has %d curves, want the ideal line, Amdahl's and Gustafson's", s.H2, len(c.Paths))
		}
		for _, p := range c.Paths {
			if !strings.HasPrefix(p.D, "M") || strings.Count(p.D, "L") < 10 {
				t.Errorf("%s: curve %q is not drawn", s.H2, p.D)
			}
		}
		if len(c.Circles) < 2 {
			t.Errorf("%s: %d measured points drawn", s.H2, len(c.Circles))
		}
		var legend []string
		for _, g := range c.Legend {
			legend = append(legend, g.Text)
		}
		joined := strings.Join(legend, "\n")
		if !strings.Contains(joined, "Amdahl's law") || !strings.Contains(joined, "Gustafson's law") {
			t.Errorf("%s: legend %q does not name both laws", s.H2, legend)
		}
	}
}

// TestExperimentSelection checks that -run picks experiments as it picks
// workloads, and that lab -h lists every experiment.
func TestExperimentSelection(t *testing.T) {
	stdout, _, errLine := runCmd(t, []string{"lab", "-run", "exp/false", "-out", ""}, "")
	if errLine != "" {
		t.Fatal(errLine)
	}
	if got := strings.Count(stdout, "\n== "); got != 1 || !strings.Contains(stdout, "\n== exp/false-sharing: ") {
		t.Errorf("-run exp/false printed %d sections:\n%s", got, stdout)
	}
	if !hasOutcome(verdictOf(stdout)) {
		t.Errorf("-run exp/false printed no verdict:\n%s", stdout)
	}

	var names []string
	for _, w := range defaultEnv().workloads() {
		names = append(names, w.Name)
	}
	if len(names) != len(experiments.All())+10 || !slices.Contains(names, "exp/amdahl-gustafson") {
		t.Errorf("the default run measures %v, want the 10 built-in workloads and every experiment", names)
	}
	stdout, _, errLine = runCmd(t, []string{"lab", "-h"}, "")
	if errLine != "" {
		t.Fatal(errLine)
	}
	_, help, ok := strings.Cut(stdout, "\nExperiments:\n")
	if !ok {
		t.Fatalf("lab -h has no list of experiments:\n%s", stdout)
	}
	for _, e := range experiments.All() {
		if !strings.Contains(help, " "+e.Name) {
			t.Errorf("lab -h does not list %s under Experiments:\n%s", e.Name, stdout)
		}
	}
}

// verdictOf returns the first "=> " line of text, without the arrow.
func verdictOf(text string) string {
	for _, l := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(l, "=> "); ok {
			return v
		}
	}
	return ""
}

func hasOutcome(v string) bool {
	for _, o := range outcomes {
		if strings.HasPrefix(v, o) && len(v) > len(o) {
			return true
		}
	}
	return false
}
