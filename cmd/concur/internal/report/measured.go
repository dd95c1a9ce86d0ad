package report

import (
	"fmt"
	"math"
	"slices"

	"github.com/concurkit/concur/cmd/concur/internal/lab"
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
	// Parts, when set, replace Samples and Unit: several quantities shown
	// in one table under the one verdict (see lab.Series).
	Parts []lab.Part
}

// NewMeasuredSection builds the section of a self-judged series. It fails
// on values scale.Analyze rejects (non-positive or non-finite).
func NewMeasuredSection(m Measured) (Section, error) {
	if len(m.Parts) > 0 {
		return partsSection(m)
	}
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

// partsSection tables every part's levels with their spread. Its values
// may be any sign (a memory growth can be negative), so it does not go
// through scale.Analyze. Parts with a model are charted together with
// their laws; the laws' statements are in Fits, so the text says what the
// chart shows.
func partsSection(m Measured) (Section, error) {
	s := Section{Name: m.Name, Desc: m.Desc, Hypothesis: m.Hypothesis, Verdict: m.Verdict,
		Columns: []string{"series", "N", "procs", "median", "±", "min–max", "unit"}}
	for _, p := range m.Parts {
		for _, x := range p.Samples {
			if len(x.X) == 0 {
				return Section{}, fmt.Errorf("%s: %s at N=%g: no repetitions", m.Name, p.Name, x.N)
			}
			med, lo, hi := spread(x.X)
			half := "-"
			if med != 0 {
				half = "±" + pct((hi-lo)/2/math.Abs(med))
			}
			n := fmt.Sprintf("%g", x.N)
			if p.NMeaning != "" {
				n += " " + p.NMeaning
			}
			s.Rows = append(s.Rows, []string{p.Name, n, fmt.Sprintf("%g", x.Procs), SI(med), half, SI(lo) + "–" + SI(hi), p.Unit})
		}
		if p.Model != nil {
			s.Fits = append(s.Fits, fmt.Sprintf("%s: %s", p.Name, p.ModelName))
		}
	}
	s.Evidence = append(s.Evidence, m.Facts...)
	s.Models = makeModelChart(m.Parts)
	return s, nil
}

// spread returns the median, minimum and maximum of xs (not empty).
func spread(xs []float64) (med, lo, hi float64) {
	v := slices.Sorted(slices.Values(xs))
	n := len(v)
	med = v[n/2]
	if n%2 == 0 {
		med = (v[n/2-1] + v[n/2]) / 2
	}
	return med, v[0], v[n-1]
}
