package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/concurkit/concur/scale"
)

const (
	chartW, chartH         = 640.0, 360.0
	padL, padR, padT, padB = 70.0, 20.0, 36.0, 45.0
	plotW, plotH           = chartW - padL - padR, chartH - padT - padB
	curveSamples           = 120
)

// Chart is an SVG chart of throughput against N, in pixel coordinates.
type Chart struct {
	W, H, L, R, T, B float64
	XTicks, YTicks   []Tick
	Points           []ChartPoint
	// Ideal is linear scaling from X(1); USL and Amdahl are the fits,
	// drawn only over the levels they were fitted to. Empty when absent.
	Ideal, USL, Amdahl string
	CoresX             float64 // pixel x of the core count, 0 when off the chart
	CoresLabel         string
	CoresAnchor        string  // text-anchor of the label: "start", or "end" near the right edge
	PeakX              float64 // pixel x of a peak inside the data, 0 otherwise
	PeakLabel          string
	Unit               string
}

// Tick is an axis label at a pixel position.
type Tick struct {
	Pos   float64
	Label string
}

// ChartPoint is a level: the median with the range of the repetitions.
type ChartPoint struct {
	X, Y, YLow, YHigh float64
	Oversubscribed    bool
}

func makeChart(a scale.Analysis, unit string) Chart {
	c := Chart{W: chartW, H: chartH, L: padL, R: padL + plotW, T: padT, B: padT + plotH, Unit: unit}
	minN, maxN, maxX, maxFit := math.Inf(1), 0.0, 0.0, 1.0
	for _, l := range a.Levels {
		minN = math.Min(minN, l.N)
		maxN = math.Max(maxN, l.N)
		maxX = math.Max(maxX, l.High)
		if !l.Oversubscribed {
			maxFit = math.Max(maxFit, l.N)
		}
	}
	minFit := math.Min(minN, maxFit)
	xMax := maxN * 1.05
	// Doublings from 1 to 64 crowd the left of a linear axis; past a
	// sixteenfold range the axis is logarithmic and curves are sampled
	// evenly along it.
	logX := maxN/minN >= 16
	xLo, xHi := math.Log(minN/1.25), math.Log(maxN*1.15)
	curves := []struct {
		dst *string
		ok  bool
		m   scale.USL
	}{
		{&c.USL, a.USL.Err == nil, a.USL.Model},
		{&c.Amdahl, a.Amdahl.Err == nil, a.Amdahl.Model},
	}
	for _, cv := range curves {
		if cv.ok {
			for i := 0; i <= curveSamples; i++ {
				maxX = math.Max(maxX, cv.m.Throughput(minFit+(maxFit-minFit)*float64(i)/curveSamples))
			}
		}
	}
	yMax, yStep := niceAxis(maxX * 1.05)
	sx := func(n float64) float64 {
		if logX {
			return round1(padL + plotW*(math.Log(n)-xLo)/(xHi-xLo))
		}
		return round1(padL + plotW*n/xMax)
	}
	at := func(from, to float64, i int) float64 { // the i-th of curveSamples points
		f := float64(i) / curveSamples
		if logX {
			return from * math.Pow(to/from, f)
		}
		return from + (to-from)*f
	}
	if logX {
		xMax = maxN * 1.15
	}
	sy := func(x float64) float64 { return round1(padT + plotH*(1-x/yMax)) }
	for _, l := range a.Levels {
		c.Points = append(c.Points, ChartPoint{X: sx(l.N), Y: sy(l.Median), YLow: sy(l.Low), YHigh: sy(l.High), Oversubscribed: l.Oversubscribed})
		c.XTicks = append(c.XTicks, Tick{sx(l.N), fmt.Sprintf("%g", l.N)})
	}
	path := func(f func(float64) float64, from, to float64) string {
		var b strings.Builder
		for i := 0; i <= curveSamples; i++ {
			n := at(from, to, i)
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&b, "%s%.1f %.1f ", cmd, sx(n), sy(f(n)))
		}
		return strings.TrimSpace(b.String())
	}
	for _, cv := range curves {
		if cv.ok && maxFit > minFit {
			*cv.dst = path(cv.m.Throughput, minFit, maxFit)
		}
	}
	if a.X1 > 0 {
		end := math.Min(xMax, yMax/a.X1)
		c.Ideal = path(func(n float64) float64 { return a.X1 * n }, minN, end)
	}
	// The core count matters where levels went beyond it.
	oversubscribed := false
	for _, l := range a.Levels {
		oversubscribed = oversubscribed || l.Oversubscribed
	}
	if oversubscribed && a.Procs > 0 && a.Procs <= xMax {
		c.CoresX = sx(a.Procs)
		c.CoresLabel = fmt.Sprintf("%g processors", a.Procs)
		c.CoresAnchor = "start"
		if c.CoresX > padL+0.75*plotW {
			c.CoresAnchor = "end"
		}
	}
	if a.Peak.InRange && a.USL.SpareDoF >= 1 {
		c.PeakX = sx(a.Peak.N)
		c.PeakLabel = fmt.Sprintf("USL peak N≈%.0f", a.Peak.N)
		if !a.Peak.Supported {
			c.PeakLabel += " (no fall measured)"
		}
	}
	for y := 0.0; y <= yMax+yStep/2; y += yStep {
		c.YTicks = append(c.YTicks, Tick{sy(y), siTick(y)})
	}
	return c
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// niceAxis returns an axis maximum >= v made of whole steps of 1, 2 or 5
// times a power of ten, and that step.
func niceAxis(v float64) (max, step float64) {
	if !(v > 0) || math.IsInf(v, 0) {
		return 1, 0.2
	}
	raw := v / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if step = m * mag; step >= raw {
			break
		}
	}
	return math.Ceil(v/step) * step, step
}
