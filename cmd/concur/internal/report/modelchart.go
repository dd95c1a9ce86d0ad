package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/concurkit/concur/cmd/concur/internal/lab"
)

// ModelChart is an SVG chart, in pixel coordinates, of self-judged parts
// that share a unit, each with the law its producer fitted drawn over it.
type ModelChart struct {
	W, H, L, R, T, B float64
	XTicks, YTicks   []Tick
	// Ideal is y = N, drawn when the parts are speed-ups ("x"); empty
	// otherwise.
	Ideal string
	Sets  []ModelSet
	Unit  string
}

// ModelSet is one part: its levels with their range and its law's curve.
type ModelSet struct {
	Name, Model string // the part and its law, as Fits states them
	Path        string
	Color       string
	Points      []ChartPoint
}

var modelColors = []string{"#e67e22", "#2c5aa0", "#27ae60", "#8e44ad"}

// makeModelChart charts the parts that have a model, or returns nil when
// none has one.
func makeModelChart(parts []lab.Part) *ModelChart {
	var ps []lab.Part
	for _, p := range parts {
		if p.Model != nil && len(p.Samples) > 0 {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	c := &ModelChart{W: chartW, H: chartH, L: padL, R: padL + plotW, T: padT, B: padT + plotH, Unit: ps[0].Unit}
	maxN, maxY := 1.0, 0.0
	for _, p := range ps {
		for _, x := range p.Samples {
			_, _, hi := spread(x.X)
			maxN, maxY = math.Max(maxN, x.N), math.Max(maxY, hi)
		}
	}
	xMax := maxN * 1.1
	for _, p := range ps {
		maxY = math.Max(maxY, p.Model(xMax))
	}
	yMax, yStep := niceAxis(maxY * 1.05)
	sx := func(n float64) float64 { return round1(padL + plotW*n/xMax) }
	sy := func(v float64) float64 { return round1(padT + plotH*(1-math.Min(v, yMax)/yMax)) }
	path := func(f func(float64) float64, to float64) string {
		var b strings.Builder
		for i := 0; i <= curveSamples; i++ {
			n := 1 + (to-1)*float64(i)/curveSamples
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&b, "%s%.1f %.1f ", cmd, sx(n), sy(f(n)))
		}
		return strings.TrimSpace(b.String())
	}
	ticked := map[float64]bool{}
	for i, p := range ps {
		set := ModelSet{Name: p.Name, Model: p.ModelName, Path: path(p.Model, xMax), Color: modelColors[i%len(modelColors)]}
		// Parts measured at the same N are set a few pixels apart so that
		// each one's range stays visible.
		dx := 5 * (float64(i) - float64(len(ps)-1)/2)
		for _, x := range p.Samples {
			med, lo, hi := spread(x.X)
			set.Points = append(set.Points, ChartPoint{X: sx(x.N) + dx, Y: sy(med), YLow: sy(lo), YHigh: sy(hi)})
			if !ticked[x.N] {
				ticked[x.N] = true
				c.XTicks = append(c.XTicks, Tick{sx(x.N), fmt.Sprintf("%g", x.N)})
			}
		}
		c.Sets = append(c.Sets, set)
	}
	if c.Unit == "x" {
		c.Ideal = path(func(n float64) float64 { return n }, math.Min(xMax, yMax))
	}
	for y := 0.0; y <= yMax+yStep/2; y += yStep {
		c.YTicks = append(c.YTicks, Tick{sy(y), siTick(y)})
	}
	return c
}
