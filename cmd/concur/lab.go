package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/concurkit/concur/cmd/concur/internal/lab"
	"github.com/concurkit/concur/cmd/concur/internal/report"
	"github.com/concurkit/concur/scale"
)

const (
	minRun  = 10 * time.Millisecond // shorter runs measure the timer, not the work
	maxMaxN = 4096                  // more goroutines per level measure the scheduler
)

func runLab(args []string, e env) (err error) {
	m := e.machine()
	fs := flag.NewFlagSet("lab", flag.ContinueOnError)
	maxN := fs.Int("max", max(4, 2*m.Cores), "largest number of goroutines; levels are 1, 2, 4, … up to it")
	dur := fs.Duration("duration", 200*time.Millisecond, "length of one repetition at one level (at least 10ms)")
	reps := fs.Int("reps", 5, "repetitions per level, interleaved across levels (at least 3)")
	runRE := fs.String("run", "", "measure only workloads whose name matches this regular expression")
	out := fs.String("out", "concur-lab.html", "write the HTML report to this file (empty: no report)")
	progress := fs.Bool("progress", isTerminal(e.stderr), "show a progress bar on stderr (default: when stderr is a terminal)")
	synopsis := "[-max N] [-duration D] [-reps K] [-run REGEXP] [-out report.html]\n\n" +
		"Measures the built-in workloads at N = 1, 2, 4, … goroutines with GOMAXPROCS = min(N, cores)\n" +
		"and explains each curve from the evidence, with Amdahl's law, Karp–Flatt and the USL."
	if help, err := parseFlags(fs, synopsis, args, e.stdout); help || err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("lab: unexpected argument %q", fs.Arg(0))
	case *maxN < 2:
		return errors.New("lab: -max must be at least 2")
	case *maxN > maxMaxN:
		return fmt.Errorf("lab: -max %d is above %d: so many goroutines per level measure the scheduler, not the workload", *maxN, maxMaxN)
	case *dur < minRun:
		return fmt.Errorf("lab: -duration %v is below %v: runs that short measure the timer, not the work", *dur, minRun)
	case *reps < 3:
		return errors.New("lab: -reps must be at least 3: fewer cannot show the spread")
	}
	ws := e.workloads()
	if *runRE != "" {
		re, err := regexp.Compile(*runRE)
		if err != nil {
			return fmt.Errorf("lab: -run: %w", err)
		}
		var keep []lab.Workload
		for _, w := range ws {
			if re.MatchString(w.Name) {
				keep = append(keep, w)
			}
		}
		if len(keep) == 0 {
			return fmt.Errorf("lab: -run %q matches no workload", *runRE)
		}
		ws = keep
	}
	o, err := createOutput(*out)
	if err != nil {
		return fmt.Errorf("lab: -out: %w", err)
	}
	var v report.View
	defer o.finish(&err, e.stderr, func(w io.Writer) error { return report.WriteHTML(w, v) })

	cfg := lab.Config{Levels: doublings(*maxN), Cores: m.Cores, Run: *dur, Reps: *reps}
	var ls []string
	for _, n := range cfg.Levels {
		ls = append(ls, strconv.Itoa(n))
	}
	est := time.Duration(len(ws)*cfg.Runs()) * *dur
	v = report.View{
		Title:   fmt.Sprintf("concur lab: %d workloads at N = %s goroutines, %d repetitions of %v per level (about %v)", len(ws), strings.Join(ls, ","), *reps, *dur, est.Round(time.Second)),
		Machine: report.MachineLine(m),
		Notes:   report.Notes,
	}
	v.Scope, v.Warnings = report.Scope(m, *maxN)
	report.WriteHeader(e.stdout, v)

	b := newBar(e.stderr, *progress, len(ws)*cfg.Runs(), "measuring")
	defer b.done()
	cfg.Step = b.step
	var ceiling *report.Ceiling // what the calibration showed, for every later section
	for _, w := range ws {
		series, err := w.Measure(cfg)
		if err != nil {
			return fmt.Errorf("lab: %w", err)
		}
		for _, s := range series {
			sec, err := labSection(s, &ceiling)
			if err != nil {
				return fmt.Errorf("lab: %w", err)
			}
			b.clear()
			report.WriteSection(e.stdout, sec)
			v.Sections = append(v.Sections, sec)
		}
	}
	b.done()
	report.WriteFooter(e.stdout, v)
	return nil
}

// labSection analyses and explains one series: a throughput measured by
// the lab's method, or a series its producer judged itself. A calibration
// series becomes the ceiling the later sections are read against.
func labSection(s lab.Series, ceiling **report.Ceiling) (report.Section, error) {
	if s.Verdict != "" {
		return report.NewMeasuredSection(report.Measured{Name: s.Name, Desc: s.Desc, Unit: s.Unit,
			Hypothesis: s.Hypothesis, Samples: s.Samples, Verdict: s.Verdict, Facts: s.Facts})
	}
	a, err := scale.Analyze(s.Samples)
	if err != nil {
		return report.Section{}, fmt.Errorf("%s: %w", s.Name, err)
	}
	sec := report.NewSection(report.Input{Name: s.Name, Desc: s.Desc, Unit: s.Unit, Hypothesis: s.Hypothesis,
		Analysis: a, Evidence: s.Evidence, NKind: "goroutines", Ceiling: *ceiling})
	if strings.HasPrefix(s.Name, "calibration/") {
		*ceiling = report.NewCeiling(a, s.Unit)
	}
	return sec, nil
}

// doublings returns 1, 2, 4, … below max, then max.
func doublings(max int) []int {
	var l []int
	for n := 1; n < max; n *= 2 {
		l = append(l, n)
	}
	return append(l, max)
}
