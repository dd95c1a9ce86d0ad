package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concurkit/concur/scale"
)

func runLab(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lab", flag.ContinueOnError)
	maxN := fs.Int("max", max(8, 2*runtime.GOMAXPROCS(0)), "largest number of goroutines; levels are 1, 2, 4, … up to it")
	dur := fs.Duration("duration", time.Second, "how long each workload runs at each level (the median of 3 runs is kept)")
	runRE := fs.String("run", "", "measure only workloads and experiments whose name matches this regular expression")
	out := fs.String("out", "concur-lab.html", "write the HTML report to this file (empty: no report)")
	progress := fs.Bool("progress", isTerminal(stderr), "show a progress bar on stderr (default: when stderr is a terminal)")
	synopsis := "[-max N] [-duration D] [-run REGEXP] [-out report.html]\n\n" +
		"Measures the built-in workloads at N = 1, 2, 4, … goroutines with GOMAXPROCS = min(N, NumCPU)\n" +
		"and explains each curve with Amdahl's law, Karp–Flatt and the universal scalability law." +
		experimentsHelp()
	if help, err := parseFlags(fs, synopsis, args, stdout); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("lab: unexpected argument %q", fs.Arg(0))
	}
	if *maxN < 3 {
		return errors.New("lab: -max must be at least 3: a fit needs three concurrency levels")
	}
	if *dur <= 0 {
		return errors.New("lab: -duration must be positive")
	}
	ws := workloads()
	es := selectExperiments(nil)
	if *runRE != "" {
		re, err := regexp.Compile(*runRE)
		if err != nil {
			return fmt.Errorf("lab: -run: %v", err)
		}
		var keep []workload
		for _, w := range ws {
			if re.MatchString(w.name) {
				keep = append(keep, w)
			}
		}
		es = selectExperiments(re)
		if len(keep) == 0 && len(es) == 0 {
			return fmt.Errorf("lab: -run %q matches no workload or experiment", *runRE)
		}
		ws = keep
	}
	levels := doublings(*maxN)
	cores := runtime.NumCPU()
	var ls []string
	for _, n := range levels {
		ls = append(ls, strconv.Itoa(n))
	}
	if len(ws) > 0 {
		fmt.Fprintf(stdout, "concur lab: %d workloads at N = %s goroutines, %v each; GOMAXPROCS = min(N, NumCPU = %d)\n\n",
			len(ws), strings.Join(ls, ","), *dur, cores)
	}

	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	b := newBar(stderr, *progress, len(ws)*len(levels)+len(es), "measuring")
	defer b.done()
	var as []*analysis
	for _, w := range ws {
		s := series{name: w.name, desc: w.desc, cause: w.cause, unit: w.unit, procs: map[float64]int{}, cores: cores}
		for _, n := range levels {
			b.describe(fmt.Sprintf("%s N=%d", w.name, n))
			procs := min(n, cores)
			runtime.GOMAXPROCS(procs)
			x, err := measure(w, n, *dur)
			if err != nil {
				return fmt.Errorf("lab: %s at N=%d: %w", w.name, n, err)
			}
			s.points = append(s.points, scale.Point{N: float64(n), X: x})
			s.procs[float64(n)] = procs
			b.step(fmt.Sprintf("%s N=%d", w.name, n))
		}
		a, err := analyse(s)
		if err != nil {
			return fmt.Errorf("lab: %w", err)
		}
		as = append(as, a)
	}
	runtime.GOMAXPROCS(prev)
	xs, err := runExperiments(es, b)
	if err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	b.done()
	for _, a := range as {
		a.writeText(stdout)
	}
	if len(xs) > 0 {
		fmt.Fprintf(stdout, "concur lab: %d experiments on textbook claims, GOMAXPROCS = %d unless a row says otherwise\n\n", len(xs), prev)
	}
	for _, x := range xs {
		x.writeText(stdout)
	}
	if *out != "" {
		sub := fmt.Sprintf("Built-in workloads at N = %s goroutines, %v per level, GOMAXPROCS = min(N, %d), %s/%s.",
			strings.Join(ls, ","), *dur, cores, runtime.GOOS, runtime.GOARCH)
		if len(ws) == 0 {
			sub = fmt.Sprintf("Experiments on textbook claims, GOMAXPROCS = %d unless a row says otherwise, %s/%s.", prev, runtime.GOOS, runtime.GOARCH)
		}
		exps, err := experimentsHTML(xs)
		if err != nil {
			return fmt.Errorf("lab: %w", err)
		}
		if err := writeReport(*out, "concur lab", sub, as, exps); err != nil {
			return fmt.Errorf("lab: %w", err)
		}
		fmt.Fprintf(stderr, "concur: report written to %s\n", *out)
	}
	return nil
}

// runsPerLevel short runs make one measurement; their median throughput
// shrugs off a run disturbed by another process, which a mean would not.
const runsPerLevel = 3

// measure returns the median throughput, in units per second, of
// runsPerLevel runs of w with n goroutines that together take about d.
func measure(w workload, n int, d time.Duration) (float64, error) {
	var xs []float64
	for range runsPerLevel {
		units, el, err := w.run(n, d/runsPerLevel)
		if err != nil {
			return 0, err
		}
		if units == 0 {
			return 0, fmt.Errorf("no work done in %v; try a longer -duration", d/runsPerLevel)
		}
		xs = append(xs, float64(units)/el.Seconds())
	}
	slices.Sort(xs)
	return xs[len(xs)/2], nil
}

// doublings returns 1, 2, 4, … below max, then max.
func doublings(max int) []int {
	var l []int
	for n := 1; n < max; n *= 2 {
		l = append(l, n)
	}
	return append(l, max)
}
