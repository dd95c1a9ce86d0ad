package main

// The lab's experiments (package experiments) measure on their own and
// judge their own hypothesis; this file makes each one a lab.Workload whose
// series carries the verdict, so that the lab shows it with its spread
// beside the other workloads, through the same view, text and HTML.

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/concurkit/concur/cmd/concur/internal/experiments"
	"github.com/concurkit/concur/cmd/concur/internal/lab"
	"github.com/concurkit/concur/scale"
)

// labWorkloads returns what concur lab measures: the built-in workloads,
// then the experiments sized by cfg.
func labWorkloads(cfg experiments.Config) []lab.Workload {
	return append(lab.Builtin(), experimentWorkloads(cfg)...)
}

// experimentWorkloads returns every experiment as a workload, sized by cfg
// (the zero Config is the lab's short default; tests make it tiny).
func experimentWorkloads(cfg experiments.Config) []lab.Workload {
	var ws []lab.Workload
	for _, e := range experiments.All() {
		ws = append(ws, lab.Workload{Name: e.Name, Desc: e.Title, Hypothesis: e.Hypothesis,
			Produce: func(lc lab.Config) ([]lab.Series, error) {
				r, err := e.Run(context.Background(), cfg)
				if err != nil {
					return nil, err
				}
				if lc.Step != nil {
					lc.Step(e.Name)
				}
				return []lab.Series{experimentSeries(e, r, e.Verdict(r))}, nil
			}})
	}
	return ws
}

// experimentSeries is one experiment's result as a self-judged series: a
// part per measured series, the verdict with its outcome first, the facts
// it checked and the ratios it rests on. The Amdahl vs Gustafson series
// carry the laws fitted to them, so the report draws both curves.
func experimentSeries(e experiments.Experiment, r experiments.Result, v experiments.Verdict) lab.Series {
	s := lab.Series{Name: e.Name, Desc: e.Title, Hypothesis: e.Hypothesis, Facts: r.Facts}
	outcome := v.Outcome.String()
	s.Verdict = strings.ToUpper(outcome[:1]) + outcome[1:] + ": " + v.Text
	if len(v.Ratios) > 0 {
		var rs []string
		for _, x := range v.Ratios {
			rs = append(rs, x.String())
		}
		s.Facts = append(s.Facts, "ratios (median, min–max): "+strings.Join(rs, "; "))
	}
	laws := map[string]struct {
		key  string
		name string
		f    func(serial, n float64) float64
	}{
		experiments.StrongSpeedup: {experiments.DerivedAmdahlSerial, "Amdahl's law, serial fraction %.2f", scale.Amdahl},
		experiments.WeakSpeedup:   {experiments.DerivedGustafsonSerial, "Gustafson's law, serial fraction %.2f", scale.Gustafson},
	}
	for _, x := range r.Series {
		p := lab.Part{Name: x.Name, Unit: x.Unit, NMeaning: x.NMeaning}
		for _, pt := range x.Points {
			p.Samples = append(p.Samples, scale.Sample{N: pt.N, Procs: float64(pt.Procs), X: pt.Values})
		}
		if law, ok := laws[x.Name]; ok {
			if serial, ok := r.Derived[law.key]; ok && !math.IsNaN(serial) {
				p.Model = func(n float64) float64 { return law.f(serial, n) }
				p.ModelName = fmt.Sprintf(law.name, serial)
			}
		}
		s.Parts = append(s.Parts, p)
	}
	return s
}
