// Package lab measures workloads for the concur lab: how throughput changes
// with the number of goroutines, with every repetition kept and the
// evidence of where the time went (CPU use, blocking, GC, scheduling).
//
// The flow is: a Workload produces Series (samples and evidence), the
// command analyses them with scale.Analyze and renders the result. A
// Workload is a value: either a timed body that this package measures by
// its method (Run), or a producer that measures itself and returns series
// (Produce), as the lab's experiments do.
package lab

import (
	"fmt"
	"time"

	"github.com/concurkit/concur/scale"
)

// Series is one measured quantity of a workload.
type Series struct {
	Name, Desc string
	Unit       string // of throughput, e.g. "letters/s"
	// Hypothesis is what the workload was built to show; an explanation
	// may cite it only where the evidence agrees.
	Hypothesis string
	Samples    []scale.Sample
	// Evidence holds what was recorded at each level, in the order of
	// Samples; nil when the producer records none.
	Evidence []Evidence
	// Verdict, when a producer sets it, is the producer's own judgement of
	// the series (an experiment's answer to its hypothesis); the series is
	// then shown with its spread but not fitted, because it need not be a
	// throughput (a cost per unit, a size). Facts back the verdict.
	Verdict string
	Facts   []string
}

// Config says how to measure.
type Config struct {
	Levels []int         // goroutine counts, increasing
	Cores  int           // processors the process may use (GOMAXPROCS's default)
	Run    time.Duration // length of one repetition
	Reps   int           // repetitions per level
	// Step, when set, is called after each run with a short description
	// of what ran; it drives a progress display.
	Step func(desc string)
}

// Runs returns how many runs Measure makes for one timed workload, for a
// progress display: a warm-up, the repetitions and one evidence run per
// level.
func (c Config) Runs() int { return 1 + len(c.Levels)*(c.Reps+1) }

// Body runs the work with n goroutines until the deadline, each goroutine
// checking the deadline itself, and returns the units done. It returns an
// error when its own consistency check fails (a lost update would make the
// throughput a lie).
type Body func(n int, deadline time.Time) (units int64, err error)

// Workload is a named producer of series. An experiment that measures on
// its own (creation costs, message sizes, …) joins the lab as
//
//	lab.Workload{Name: "…", Produce: func(cfg lab.Config) ([]lab.Series, error) {
//		// measure at cfg.Levels on cfg.Cores processors, cfg.Reps times each;
//		// one Series per quantity, with scale.Sample{N, Procs, X: reps}
//	}}
//
// and is analysed, explained and rendered like the built-in workloads.
type Workload struct {
	Name, Desc string
	Unit       string
	Hypothesis string
	// Run is the timed body of a workload measured by this package's
	// method; nil when Produce is set.
	Run Body
	// Produce measures on its own and returns its series; nil when Run is
	// set.
	Produce func(Config) ([]Series, error)
}

// Measure measures the workload and returns its series.
func (w Workload) Measure(cfg Config) ([]Series, error) {
	switch {
	case w.Produce != nil:
		ss, err := w.Produce(cfg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", w.Name, err)
		}
		return ss, nil
	case w.Run != nil:
		s, err := measureTimed(w, cfg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", w.Name, err)
		}
		return []Series{s}, nil
	}
	panic("lab: workload " + w.Name + " has neither Run nor Produce")
}
