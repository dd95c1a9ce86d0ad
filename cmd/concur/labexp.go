package main

// The lab's experiments (package experiments) produce plain series and a
// verdict; this file selects them, runs them, prints their tables and adds
// them to the HTML report. It is the only place the lab knows their shape.

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"math"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/concurkit/concur/cmd/concur/internal/experiments"
	"github.com/concurkit/concur/scale"
)

// experimentConfig sizes the experiments; tests make it tiny.
var experimentConfig = experiments.Config{}

// selectExperiments returns the experiments whose name matches re, or with
// re nil the quick ones the default run includes.
func selectExperiments(re *regexp.Regexp) []experiments.Experiment {
	var es []experiments.Experiment
	for _, e := range experiments.All() {
		if re == nil && e.Quick || re != nil && re.MatchString(e.Name) {
			es = append(es, e)
		}
	}
	return es
}

// experimentsHelp lists the experiments for concur lab -h.
func experimentsHelp() string {
	var b strings.Builder
	b.WriteString("\n\nExperiments, each a textbook claim measured on this machine with a verdict\n(select with -run, e.g. -run exp/; those marked * run by default):\n")
	for _, e := range experiments.All() {
		mark := " "
		if e.Quick {
			mark = "*"
		}
		fmt.Fprintf(&b, "  %s %-22s %s\n", mark, e.Name, e.Short)
	}
	b.WriteString("\nWorkloads (all run by default):\n ")
	line := 1
	for _, w := range workloads() {
		if line+1+len(w.name) > 80 {
			b.WriteString("\n ")
			line = 1
		}
		fmt.Fprintf(&b, " %s", w.name)
		line += 1 + len(w.name)
	}
	return b.String()
}

// experimentRun is one experiment's result and verdict.
type experimentRun struct {
	experiments.Experiment
	Result  experiments.Result
	Verdict experiments.Verdict
}

// runExperiments runs es one after the other, showing progress on b.
func runExperiments(es []experiments.Experiment, b *bar) ([]experimentRun, error) {
	var rs []experimentRun
	for _, e := range es {
		b.describe(e.Name)
		r, err := e.Run(context.Background(), experimentConfig)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name, err)
		}
		rs = append(rs, experimentRun{Experiment: e, Result: r, Verdict: e.Verdict(r)})
		b.step(e.Name)
	}
	return rs, nil
}

// writeText prints the experiment's claim, its measurements with their
// spread, the comparisons and the verdict.
func (x experimentRun) writeText(w io.Writer) {
	fmt.Fprintf(w, "== %s: %s\n", x.Name, x.Title)
	fmt.Fprintf(w, "claim: %s\n", x.Hypothesis)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "series\tN\tGOMAXPROCS\tmedian\tmin–max\tunit\n")
	for _, r := range x.rows() {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", r.Series, r.N, r.Procs, r.Median, r.Spread, r.Unit)
	}
	tw.Flush()
	for _, f := range x.Result.Facts {
		fmt.Fprintf(w, "checked: %s\n", f)
	}
	if len(x.Verdict.Ratios) > 0 {
		var rs []string
		for _, r := range x.Verdict.Ratios {
			rs = append(rs, r.String())
		}
		fmt.Fprintf(w, "ratios (median, min–max): %s\n", strings.Join(rs, "; "))
	}
	fmt.Fprintf(w, "=> %s: %s\n\n", x.Verdict.Outcome, x.Verdict.Text)
}

// expRow is one measured point, formatted.
type expRow struct {
	Series, N            string
	Procs                int
	Median, Spread, Unit string
}

func (x experimentRun) rows() []expRow {
	var rows []expRow
	for _, s := range x.Result.Series {
		for _, p := range s.Points {
			f := func(v float64) string { return experiments.Format(s.Unit, v) }
			rows = append(rows, expRow{
				Series: s.Name, N: fmt.Sprintf("%g %s", p.N, s.NMeaning), Procs: p.Procs,
				Median: f(p.Median()), Spread: f(p.Min()) + "–" + f(p.Max()), Unit: s.Unit,
			})
		}
	}
	return rows
}

// experimentsHTML renders the experiments as report sections.
func experimentsHTML(rs []experimentRun) (template.HTML, error) {
	type sec struct {
		experimentRun
		Rows  []expRow
		Chart *scalingChart
	}
	var d []sec
	for _, r := range rs {
		d = append(d, sec{experimentRun: r, Rows: r.rows(), Chart: makeScalingChart(r.Result)})
	}
	var b strings.Builder
	if err := experimentsTmpl.Execute(&b, d); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// scalingChart is the Amdahl vs Gustafson chart: measured speed-ups of
// both runs with their spread, and each law with its fitted serial fraction.
type scalingChart struct {
	W, H, L, R, T, B  float64
	XTicks, YTicks    []tick
	Strong, Weak      []bar3
	AmdahlPath, GPath string
	IdealPath         string
	AmdahlS, GustafS  string
}

// bar3 is a measured point with its spread: the median and the range.
type bar3 struct{ X, Y, Lo, Hi float64 }

func makeScalingChart(r experiments.Result) *scalingChart {
	ss, ws := r.SeriesNamed(experiments.StrongSpeedup), r.SeriesNamed(experiments.WeakSpeedup)
	sa, ok1 := r.Derived[experiments.DerivedAmdahlSerial]
	sg, ok2 := r.Derived[experiments.DerivedGustafsonSerial]
	if ss == nil || ws == nil || !ok1 || !ok2 || math.IsNaN(sa) || math.IsNaN(sg) {
		return nil
	}
	c := &scalingChart{W: chartW, H: chartH, L: padL, R: padL + plotW, T: padT, B: padT + plotH,
		AmdahlS: fmt.Sprintf("%.2f", sa), GustafS: fmt.Sprintf("%.2f", sg)}
	maxN, maxY := 0.0, 0.0
	for _, s := range []*experiments.Series{ss, ws} {
		for _, p := range s.Points {
			maxN, maxY = math.Max(maxN, p.N), math.Max(maxY, p.Max())
		}
	}
	xMax := maxN * 1.1
	maxY = math.Max(maxY, scale.Gustafson(sg, xMax))
	yMax, yStep := niceAxis(maxY * 1.05)
	sx := func(n float64) float64 { return round1(padL + plotW*n/xMax) }
	sy := func(v float64) float64 { return round1(padT + plotH*(1-v/yMax)) }
	for _, p := range ss.Points {
		c.Strong = append(c.Strong, bar3{sx(p.N), sy(p.Median()), sy(p.Min()), sy(p.Max())})
		c.XTicks = append(c.XTicks, tick{sx(p.N), fmt.Sprintf("%g", p.N)})
	}
	for _, p := range ws.Points {
		c.Weak = append(c.Weak, bar3{sx(p.N), sy(p.Median()), sy(p.Min()), sy(p.Max())})
	}
	path := func(f func(n float64) float64) string {
		var b strings.Builder
		for i := 0; i <= curveSamples; i++ {
			n := 1 + (xMax-1)*float64(i)/curveSamples
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&b, "%s%.1f %.1f ", cmd, sx(n), sy(math.Min(f(n), yMax)))
		}
		return strings.TrimSpace(b.String())
	}
	c.AmdahlPath = path(func(n float64) float64 { return scale.Amdahl(sa, n) })
	c.GPath = path(func(n float64) float64 { return scale.Gustafson(sg, n) })
	c.IdealPath = path(func(n float64) float64 { return n })
	for y := 0.0; y <= yMax+yStep/2; y += yStep {
		c.YTicks = append(c.YTicks, tick{sy(y), siTick(y)})
	}
	return c
}

var experimentsTmpl = template.Must(template.New("experiments").Funcs(template.FuncMap{
	"sub": func(a, b float64) float64 { return a - b },
	"add": func(a, b float64) float64 { return a + b },
}).Parse(`{{range .}}
<section class="experiment">
<h2>{{.Name}}</h2>
<p>{{.Title}}</p>
<p><b>Claim:</b> {{.Hypothesis}}</p>
{{- with .Chart}}
<svg xmlns="http://www.w3.org/2000/svg" width="{{.W}}" height="{{.H}}" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-label="speed-up of strong and weak scaling against N">
<rect x="{{.L}}" y="{{.T}}" width="{{sub .R .L}}" height="{{sub .B .T}}" fill="#fff" stroke="#bbb"/>
{{- $c := .}}
{{- range .YTicks}}
<line x1="{{$c.L}}" x2="{{$c.R}}" y1="{{.Pos}}" y2="{{.Pos}}" stroke="#eee"/><text x="{{sub $c.L 6}}" y="{{add .Pos 4}}" text-anchor="end">{{.Label}}</text>
{{- end}}
{{- range .XTicks}}
<line x1="{{.Pos}}" x2="{{.Pos}}" y1="{{$c.B}}" y2="{{add $c.B 5}}" stroke="#888"/><text x="{{.Pos}}" y="{{add $c.B 18}}" text-anchor="middle">{{.Label}}</text>
{{- end}}
<text x="{{add $c.L 200}}" y="{{add $c.B 38}}">N (workers)</text>
<text x="14" y="{{add $c.T 150}}" transform="rotate(-90 14 {{add $c.T 150}})">speed-up</text>
<path d="{{.IdealPath}}" fill="none" stroke="#aaa" stroke-width="1" stroke-dasharray="2 3"/>
<path d="{{.AmdahlPath}}" fill="none" stroke="#e67e22" stroke-width="2"/>
<path d="{{.GPath}}" fill="none" stroke="#2c5aa0" stroke-width="2"/>
{{- range .Strong}}
<line x1="{{.X}}" x2="{{.X}}" y1="{{.Lo}}" y2="{{.Hi}}" stroke="#e67e22"/><rect x="{{sub .X 4}}" y="{{sub .Y 4}}" width="8" height="8" fill="#e67e22"/>
{{- end}}
{{- range .Weak}}
<line x1="{{.X}}" x2="{{.X}}" y1="{{.Lo}}" y2="{{.Hi}}" stroke="#2c5aa0"/><circle cx="{{.X}}" cy="{{.Y}}" r="4" fill="#2c5aa0"/>
{{- end}}
<g transform="translate({{add $c.L 12}} 18)"><rect x="-4" y="-8" width="8" height="8" fill="#e67e22"/><text x="10" y="0">strong (fixed work), Amdahl s={{.AmdahlS}}</text>
<circle cx="250" cy="-4" r="4" fill="#2c5aa0"/><text x="260" y="0">weak (growing work), Gustafson s={{.GustafS}}</text></g>
</svg>
{{- end}}
<table>
<tr><th>series</th><th>N</th><th>GOMAXPROCS</th><th>median</th><th>min–max</th><th>unit</th></tr>
{{- range .Rows}}
<tr><td style="text-align:left">{{.Series}}</td><td>{{.N}}</td><td>{{.Procs}}</td><td>{{.Median}}</td><td>{{.Spread}}</td><td>{{.Unit}}</td></tr>
{{- end}}
</table>
{{- if .Result.Facts}}
<ul>{{range .Result.Facts}}<li>checked: {{.}}</li>{{end}}</ul>
{{- end}}
<p class="why"><b>{{.Verdict.Outcome}}</b>: {{.Verdict.Text}}</p>
</section>
{{end}}`))
