package report

import (
	"fmt"

	"github.com/concurkit/concur/scale"
)

// Measured is a series that a producer judges itself (a lab experiment):
// its values need not be throughputs, so it is tabled and charted with its
// spread but neither fitted nor given speed-ups.
type Measured struct {
	Name, Desc, Unit, Hypothesis string
	Samples                      []scale.Sample
	Verdict                      string
	Facts                        []string
}

// NewMeasuredSection builds the section of a self-judged series. It fails
// on values scale.Analyze rejects (non-positive or non-finite).
func NewMeasuredSection(m Measured) (Section, error) {
	a, err := scale.Analyze(m.Samples)
	if err != nil {
		return Section{}, fmt.Errorf("%s: %w", m.Name, err)
	}
	s := Section{Name: m.Name, Desc: m.Desc, Unit: m.Unit, Hypothesis: m.Hypothesis, Verdict: m.Verdict,
		Columns: []string{"N", "procs", m.Unit, "±"}}
	for _, l := range a.Levels {
		s.Rows = append(s.Rows, []string{fmt.Sprintf("%g", l.N), fmt.Sprintf("%g", l.Procs), SI(l.Median), "±" + pct(l.Spread/2)})
	}
	s.Evidence = append(s.Evidence, m.Facts...)
	s.Chart = makeChart(a, m.Unit)
	// Not a throughput: no linear ideal, no fitted curves, no peak.
	s.Chart.Ideal, s.Chart.USL, s.Chart.Amdahl, s.Chart.PeakX, s.Chart.PeakLabel = "", "", "", 0, ""
	return s, nil
}
