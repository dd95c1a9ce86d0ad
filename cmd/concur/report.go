package main

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// The report is one HTML file with inline CSS and inline SVG charts drawn
// here: it opens in a browser without a network and runs no script.

const (
	chartW, chartH         = 640.0, 360.0
	padL, padR, padT, padB = 70.0, 20.0, 20.0, 45.0
	plotW, plotH           = chartW - padL - padR, chartH - padT - padB
	curveSamples           = 160
)

type tick struct {
	Pos   float64 // pixel coordinate along the axis
	Label string
}

type dot struct{ X, Y float64 }

type chart struct {
	W, H, L, R, T, B float64 // canvas size and plot edges in pixels
	XTicks, YTicks   []tick
	Dots             []dot
	USLPath          string
	AmdahlPath       string
	PeakX            float64 // pixel x of the predicted peak, 0 when off the chart
	Unit             string
}

type section struct {
	*analysis
	Chart chart
}

type reportData struct {
	Title    string
	Subtitle string
	Sections []section
	Extra    []template.HTML // further sections, rendered elsewhere (the lab's experiments)
}

// writeReport writes the HTML report for the analyses to path.
func writeReport(path, title, subtitle string, as []*analysis, extra ...template.HTML) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := renderReport(f, title, subtitle, as, extra...); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func renderReport(w io.Writer, title, subtitle string, as []*analysis, extra ...template.HTML) error {
	d := reportData{Title: title, Subtitle: subtitle, Extra: extra}
	for _, a := range as {
		d.Sections = append(d.Sections, section{analysis: a, Chart: makeChart(a)})
	}
	return reportTmpl.Execute(w, d)
}

func makeChart(a *analysis) chart {
	c := chart{W: chartW, H: chartH, L: padL, R: padL + plotW, T: padT, B: padT + plotH, Unit: a.Unit}
	maxN, maxX := 0.0, 0.0
	for _, p := range a.Points {
		maxN = math.Max(maxN, p.N)
		maxX = math.Max(maxX, p.X)
	}
	xMax := maxN * 1.1
	usl, amdahl := a.USL.Model, a.Amdahl.Model
	for i := 0; i <= curveSamples; i++ {
		n := 1 + (xMax-1)*float64(i)/curveSamples
		maxX = math.Max(maxX, math.Max(usl.Throughput(n), amdahl.Throughput(n)))
	}
	yMax, yStep := niceAxis(maxX * 1.05)
	sx := func(n float64) float64 { return padL + plotW*n/xMax }
	sy := func(x float64) float64 { return padT + plotH*(1-x/yMax) }
	for _, p := range a.Points {
		c.Dots = append(c.Dots, dot{round1(sx(p.N)), round1(sy(p.X))})
	}
	path := func(m func(float64) float64) string {
		var b strings.Builder
		for i := 0; i <= curveSamples; i++ {
			n := 1 + (xMax-1)*float64(i)/curveSamples
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&b, "%s%.1f %.1f ", cmd, sx(n), sy(m(n)))
		}
		return strings.TrimSpace(b.String())
	}
	c.USLPath = path(usl.Throughput)
	c.AmdahlPath = path(amdahl.Throughput)
	if pk := usl.Peak(); pk >= 1 && pk <= xMax {
		c.PeakX = round1(sx(pk))
	}
	for _, r := range a.Rows {
		c.XTicks = append(c.XTicks, tick{round1(sx(r.N)), fmt.Sprintf("%g", r.N)})
	}
	for y := 0.0; y <= yMax+yStep/2; y += yStep {
		c.YTicks = append(c.YTicks, tick{round1(sy(y)), siTick(y)})
	}
	return c
}

// siTick formats an axis label: 0, 500, 1.5k, 20M.
func siTick(v float64) string {
	for _, u := range []struct {
		f float64
		s string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(v) >= u.f {
			return strconv.FormatFloat(v/u.f, 'g', 4, 64) + u.s
		}
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// niceAxis returns an axis maximum >= v made of whole steps of 1, 2 or 5
// times a power of ten, and that step.
func niceAxis(v float64) (max, step float64) {
	if v <= 0 {
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

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"si":    si,
	"fixed": fixed,
	"pct":   func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) },
	"peak":  peakText,
	"f4":    func(v float64) string { return fmt.Sprintf("%.4f", v) },
	"g3":    func(v float64) string { return fmt.Sprintf("%.3g", v) },
	"r2":    r2,
	"sub":   func(a, b float64) float64 { return a - b },
	"add":   func(a, b float64) float64 { return a + b },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:720px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-top:1px solid #ccc;padding-top:1em}
table{border-collapse:collapse;font-size:.9em}td,th{padding:.2em .7em;text-align:right}
th{border-bottom:1px solid #999}.why{background:#f4f6fa;padding:.6em;border-left:4px solid #4a6fa5}
.fit{font-family:ui-monospace,monospace;font-size:.85em}svg text{font-size:11px;fill:#333}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p>{{.Subtitle}}</p>
{{range .Sections}}
<section>
<h2>{{.Name}}</h2>
{{if .Desc}}<p>{{.Desc}}</p>{{end}}
<svg xmlns="http://www.w3.org/2000/svg" width="{{.Chart.W}}" height="{{.Chart.H}}" viewBox="0 0 {{.Chart.W}} {{.Chart.H}}" role="img" aria-label="throughput of {{.Name}} against N">
<rect x="{{.Chart.L}}" y="{{.Chart.T}}" width="{{sub .Chart.R .Chart.L}}" height="{{sub .Chart.B .Chart.T}}" fill="#fff" stroke="#bbb"/>
{{- $c := .Chart}}
{{- range .Chart.YTicks}}
<line x1="{{$c.L}}" x2="{{$c.R}}" y1="{{.Pos}}" y2="{{.Pos}}" stroke="#eee"/><text x="{{sub $c.L 6}}" y="{{add .Pos 4}}" text-anchor="end">{{.Label}}</text>
{{- end}}
{{- range .Chart.XTicks}}
<line x1="{{.Pos}}" x2="{{.Pos}}" y1="{{$c.B}}" y2="{{add $c.B 5}}" stroke="#888"/><text x="{{.Pos}}" y="{{add $c.B 18}}" text-anchor="middle">{{.Label}}</text>
{{- end}}
<text x="{{add $c.L 200}}" y="{{add $c.B 38}}">N (concurrency)</text>
<text x="14" y="{{add $c.T 150}}" transform="rotate(-90 14 {{add $c.T 150}})">{{$c.Unit}}</text>
{{- if .Chart.PeakX}}
<line x1="{{.Chart.PeakX}}" x2="{{.Chart.PeakX}}" y1="{{$c.T}}" y2="{{$c.B}}" stroke="#c0392b" stroke-dasharray="2 4"/>
{{- end}}
<path d="{{.Chart.AmdahlPath}}" fill="none" stroke="#e67e22" stroke-width="2" stroke-dasharray="6 4"/>
<path d="{{.Chart.USLPath}}" fill="none" stroke="#2c5aa0" stroke-width="2"/>
{{- range .Chart.Dots}}
<circle cx="{{.X}}" cy="{{.Y}}" r="4" fill="#222"/>
{{- end}}
<g transform="translate({{add $c.L 12}} 18)"><circle cx="0" cy="-4" r="4" fill="#222"/><text x="10" y="0">measured</text>
<line x1="80" x2="104" y1="-4" y2="-4" stroke="#2c5aa0" stroke-width="2"/><text x="110" y="0">USL fit</text>
<line x1="170" x2="194" y1="-4" y2="-4" stroke="#e67e22" stroke-width="2" stroke-dasharray="6 4"/><text x="200" y="0">Amdahl fit</text></g>
</svg>
<table>
<tr><th>N</th>{{if (index .Rows 0).Procs}}<th>GOMAXPROCS</th>{{end}}<th>{{.Unit}}</th><th>speed-up</th><th>efficiency</th><th>Karp–Flatt</th></tr>
{{- range .Rows}}
<tr><td>{{.N}}</td>{{if .Procs}}<td>{{.Procs}}</td>{{end}}<td>{{si .X}}</td><td>{{printf "%.2fx" .Speedup}}</td><td>{{pct .Efficiency}}</td><td>{{fixed .KarpFlatt 3}}</td></tr>
{{- end}}
</table>
<p class="fit">USL: σ={{f4 .USL.Model.Sigma}} κ={{g3 .USL.Model.Kappa}} λ={{si .USL.Model.Lambda}} R²={{r2 .USL.R2}}; predicted peak {{peak .USL.Model}}<br/>
Amdahl: serial fraction {{f4 .Amdahl.Model.Sigma}} (R²={{r2 .Amdahl.R2}}), speed-up limit {{.Limit}}</p>
<p class="why">{{.Sentence}}</p>
</section>
{{end}}
{{- range .Extra}}{{.}}{{end}}
<p><small>Speed-up is relative to X(1) when N = 1 was measured, otherwise to the fitted λ. USL: X(N) = λN / (1 + σ(N−1) + κN(N−1)); Amdahl is the USL with κ = 0.</small></p>
</body>
</html>
`))
