package report

import (
	"bytes"
	"html"
	"strings"
	"testing"

	"github.com/concurkit/concur/cmd/concur/internal/lab"
	"github.com/concurkit/concur/scale"
)

// TestPartsSection checks a self-judged series of several parts: every
// level is tabled with its range whatever its sign, the laws fitted to
// parts are stated in Fits and drawn on one chart, and the text and the
// page say the same.
func TestPartsSection(t *testing.T) {
	amdahl := func(n float64) float64 { return scale.Amdahl(0.3, n) }
	gustafson := func(n float64) float64 { return scale.Gustafson(0.3, n) }
	m := Measured{Name: "exp/laws", Desc: "two runs of one kernel", Hypothesis: "they disagree",
		Verdict: "Supported: they disagree.", Facts: []string{"all rounds done"},
		Parts: []lab.Part{
			{Name: "time", Unit: "s/run", NMeaning: "workers", Samples: []scale.Sample{{N: 1, Procs: 1, X: []float64{2, 3, 4}}}},
			{Name: "memory growth", Unit: "bytes/unit", NMeaning: "units", Samples: []scale.Sample{{N: 10, Procs: 2, X: []float64{-5, 0, 5}}}},
			{Name: "strong", Unit: "x", Samples: []scale.Sample{{N: 1, Procs: 1, X: []float64{1}}, {N: 2, Procs: 2, X: []float64{1.4, 1.5, 1.6}}},
				Model: amdahl, ModelName: "Amdahl's law, serial fraction 0.30"},
			{Name: "weak", Unit: "x", Samples: []scale.Sample{{N: 1, Procs: 1, X: []float64{1}}, {N: 2, Procs: 2, X: []float64{1.6, 1.7, 1.8}}},
				Model: gustafson, ModelName: "Gustafson's law, serial fraction 0.30"},
		}}
	s, err := NewMeasuredSection(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) != 6 {
		t.Fatalf("%d rows, want one per level of every part: %q", len(s.Rows), s.Rows)
	}
	if got := strings.Join(s.Rows[1], "|"); got != "memory growth|10 units|2|0.000|-|-5.000–5.000|bytes/unit" {
		t.Errorf("a level around 0 is tabled as %q", got)
	}
	if got := strings.Join(s.Rows[0], "|"); got != "time|1 workers|1|3.000|±33%|2.000–4.000|s/run" {
		t.Errorf("a level is tabled as %q", got)
	}
	want := []string{"strong: Amdahl's law, serial fraction 0.30", "weak: Gustafson's law, serial fraction 0.30"}
	if strings.Join(s.Fits, "\n") != strings.Join(want, "\n") {
		t.Errorf("Fits = %q, want %q", s.Fits, want)
	}
	if len(s.Chart.Points) != 0 {
		t.Error("a section of several parts has a throughput chart")
	}
	c := s.Models
	if c == nil || len(c.Sets) != 2 || c.Ideal == "" {
		t.Fatalf("model chart %+v: want both laws and the ideal line", c)
	}
	for i, set := range c.Sets {
		if len(set.Points) != 2 || !strings.HasPrefix(set.Path, "M") || set.Name+": "+set.Model != want[i] {
			t.Errorf("set %d: %d points, path %.20q, legend %q", i, len(set.Points), set.Path, set.Name+": "+set.Model)
		}
	}

	v := View{Title: "t", Sections: []Section{s}}
	var text, page bytes.Buffer
	WriteText(&text, v)
	if err := WriteHTML(&page, v); err != nil {
		t.Fatal(err)
	}
	p := html.UnescapeString(page.String())
	for _, stmt := range append(want, "Supported: they disagree.", "evidence all rounds done") {
		if !strings.Contains(text.String(), stmt) || !strings.Contains(p, stmt) {
			t.Errorf("%q is not in both the text and the page", stmt)
		}
	}
	if n := strings.Count(p, "<svg"); n != 1 {
		t.Errorf("page has %d charts, want the laws' chart only", n)
	}
}

// TestModelChartNone checks that parts without a law get no chart.
func TestModelChartNone(t *testing.T) {
	if c := makeModelChart([]lab.Part{{Name: "a", Unit: "s/unit", Samples: []scale.Sample{{N: 1, Procs: 1, X: []float64{1}}}}}); c != nil {
		t.Errorf("chart %+v for parts without a model", c)
	}
}
