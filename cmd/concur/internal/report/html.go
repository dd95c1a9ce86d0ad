package report

import (
	"html/template"
	"io"
)

// WriteHTML renders the view as one HTML file with inline CSS and inline
// SVG charts: it opens in a browser without a network and runs no script.
func WriteHTML(w io.Writer, v View) error {
	return page.Execute(w, v)
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"sub":  func(a, b float64) float64 { return a - b },
	"add":  func(a, b float64) float64 { return a + b },
	"last": func(i int, s []string) bool { return i == len(s)-1 },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em;border-top:1px solid #ccc;padding-top:1em}
table{border-collapse:collapse;font-size:.9em}td,th{padding:.2em .6em;text-align:right}
th{border-bottom:1px solid #999;white-space:nowrap}.why{background:#f4f6fa;padding:.6em;border-left:4px solid #4a6fa5}
.warn{background:#fff4e0;padding:.6em;border-left:4px solid #d68910}
.fit,.machine{font-family:ui-monospace,monospace;font-size:.85em}svg text{font-size:11px;fill:#333}
.caveat{color:#8a4b00}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{if .Machine}}<p class="machine">machine: {{.Machine}}</p>{{end}}
{{range .Scope}}<p class="scope">{{.}}</p>
{{end}}{{range .Warnings}}<p class="warn">WARNING: {{.}}</p>
{{end}}
{{range .Sections}}
<section>
<h2>{{.Name}}</h2>
{{if .Desc}}<p>{{.Desc}}</p>{{end}}
{{if .Hypothesis}}<p>built to show: {{.Hypothesis}}</p>{{end}}
{{- $c := .Chart}}
<svg xmlns="http://www.w3.org/2000/svg" width="{{$c.W}}" height="{{$c.H}}" viewBox="0 0 {{$c.W}} {{$c.H}}" role="img" aria-label="throughput of {{.Name}} against N">
<rect x="{{$c.L}}" y="{{$c.T}}" width="{{sub $c.R $c.L}}" height="{{sub $c.B $c.T}}" fill="#fff" stroke="#bbb"/>
{{- range $c.YTicks}}
<line x1="{{$c.L}}" x2="{{$c.R}}" y1="{{.Pos}}" y2="{{.Pos}}" stroke="#eee"/><text x="{{sub $c.L 6}}" y="{{add .Pos 4}}" text-anchor="end">{{.Label}}</text>
{{- end}}
{{- range $c.XTicks}}
<line x1="{{.Pos}}" x2="{{.Pos}}" y1="{{$c.B}}" y2="{{add $c.B 5}}" stroke="#888"/><text x="{{.Pos}}" y="{{add $c.B 18}}" text-anchor="middle">{{.Label}}</text>
{{- end}}
<text x="{{add $c.L 200}}" y="{{add $c.B 38}}">N</text>
<text x="14" y="{{add $c.T 150}}" transform="rotate(-90 14 {{add $c.T 150}})">{{$c.Unit}}</text>
{{- if $c.CoresX}}
<line x1="{{$c.CoresX}}" x2="{{$c.CoresX}}" y1="{{$c.T}}" y2="{{$c.B}}" stroke="#7d3c98" stroke-dasharray="4 3"/><text x="{{if eq $c.CoresAnchor "end"}}{{sub $c.CoresX 4}}{{else}}{{add $c.CoresX 4}}{{end}}" y="{{add $c.T 14}}" text-anchor="{{$c.CoresAnchor}}" fill="#7d3c98">{{$c.CoresLabel}}</text>
{{- end}}
{{- if $c.PeakX}}
<line x1="{{$c.PeakX}}" x2="{{$c.PeakX}}" y1="{{$c.T}}" y2="{{$c.B}}" stroke="#c0392b" stroke-dasharray="2 4"/><text x="{{sub $c.PeakX 4}}" y="{{add $c.T 30}}" text-anchor="end" fill="#c0392b">{{$c.PeakLabel}}</text>
{{- end}}
{{- if $c.Ideal}}
<path d="{{$c.Ideal}}" fill="none" stroke="#999" stroke-width="1" stroke-dasharray="3 3"/>
{{- end}}
{{- if $c.Amdahl}}
<path d="{{$c.Amdahl}}" fill="none" stroke="#e67e22" stroke-width="2" stroke-dasharray="6 4"/>
{{- end}}
{{- if $c.USL}}
<path d="{{$c.USL}}" fill="none" stroke="#2c5aa0" stroke-width="2"/>
{{- end}}
{{- range $c.Points}}
<line x1="{{.X}}" x2="{{.X}}" y1="{{.YLow}}" y2="{{.YHigh}}" stroke="#222"/><line x1="{{sub .X 4}}" x2="{{add .X 4}}" y1="{{.YLow}}" y2="{{.YLow}}" stroke="#222"/><line x1="{{sub .X 4}}" x2="{{add .X 4}}" y1="{{.YHigh}}" y2="{{.YHigh}}" stroke="#222"/>
<circle cx="{{.X}}" cy="{{.Y}}" r="4" {{if .Oversubscribed}}fill="#fff" stroke="#222"{{else}}fill="#222"{{end}}/>
{{- end}}
<g transform="translate({{$c.L}} 16)"><circle cx="4" cy="-4" r="4" fill="#222"/><text x="12" y="0">median, bar = range</text>
<circle cx="140" cy="-4" r="4" fill="#fff" stroke="#222"/><text x="148" y="0">oversubscribed</text>
<line x1="250" x2="270" y1="-4" y2="-4" stroke="#999" stroke-dasharray="3 3"/><text x="274" y="0">linear</text>
<line x1="320" x2="340" y1="-4" y2="-4" stroke="#2c5aa0" stroke-width="2"/><text x="344" y="0">USL</text>
<line x1="380" x2="400" y1="-4" y2="-4" stroke="#e67e22" stroke-width="2" stroke-dasharray="6 4"/><text x="404" y="0">Amdahl</text></g>
</svg>
<table>
<tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr>
{{- range .Rows}}
<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{- end}}
</table>
<p class="fit">{{range $i, $f := .Fits}}{{if $i}}<br/>{{end}}{{$f}}{{end}}</p>
<p class="why">{{.Verdict}}</p>
{{if .Evidence}}<ul class="evidence">{{range .Evidence}}<li>evidence {{.}}</li>{{end}}</ul>{{end}}
{{if .Caveats}}<ul>{{range .Caveats}}<li class="caveat">caveat: {{.}}</li>{{end}}</ul>{{end}}
</section>
{{end}}
{{range .Notes}}<p><small>{{.}}</small></p>
{{end}}
</body>
</html>
`))
