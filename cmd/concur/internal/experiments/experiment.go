package experiments

import (
	"context"
	"os"
	"runtime"
)

// An Experiment measures one textbook claim on this machine.
type Experiment struct {
	Name       string // for selection with -run: "exp/create"
	Short      string // a few words for a list of experiments
	Title      string // what is measured, in one sentence
	Hypothesis string // the textbook claim the measurement tests
	// Run measures. It returns an error when the experiment's own
	// consistency check fails (work done differs from work asked for, a
	// child process did not report) or ctx ends.
	Run func(ctx context.Context, cfg Config) (Result, error)
	// Verdict states, from the measured values and their spread, whether
	// the measurement supports the hypothesis on this machine.
	Verdict func(Result) Verdict
}

// Config sizes a run. The zero Config is the lab's default short run.
type Config struct {
	// Reps is the number of repetitions of each point; 0 means 5.
	Reps int
	// Size scales the work of each repetition; 0 means 1, the lab's short
	// default. Tests use tiny sizes such as 0.001.
	Size float64
	// Exe is the program re-executed for the process variants; "" means
	// the running executable, which must call RunChildIfAsked.
	Exe string
}

func (c Config) reps() int {
	if c.Reps <= 0 {
		return 5
	}
	return c.Reps
}

// scaled returns n scaled by c.Size, at least least.
func (c Config) scaled(n, least int) int {
	s := c.Size
	if s <= 0 {
		s = 1
	}
	return max(least, int(float64(n)*s))
}

func (c Config) exe() (string, error) {
	if c.Exe != "" {
		return c.Exe, nil
	}
	return os.Executable()
}

// Result is what one run of an experiment measured.
type Result struct {
	Experiment string
	Cores      int // runtime.NumCPU() during the run
	Series     []Series
	// Facts are observations that are not timings but back the
	// measurement: how many processes really started, how many threads the
	// runtime created, where the counters lay in memory.
	Facts []string
	// Derived holds numbers computed from the series that the verdict
	// rests on (fitted serial fractions, a crossover size), by name.
	Derived map[string]float64
}

// SeriesNamed returns the series of that name, or nil.
func (r Result) SeriesNamed(name string) *Series {
	for i := range r.Series {
		if r.Series[i].Name == name {
			return &r.Series[i]
		}
	}
	return nil
}

// Series is one curve or one bar group: the same measurement at each N.
type Series struct {
	Name string // "processes", "padded counters"
	Unit string // of Values: "s/unit", "bytes/unit", "increments/s"
	// NMeaning says what N counts: "units started", "workers",
	// "bytes per message".
	NMeaning string
	Points   []Point
}

// At returns the point at n, or nil.
func (s *Series) At(n float64) *Point {
	for i := range s.Points {
		if s.Points[i].N == n {
			return &s.Points[i]
		}
	}
	return nil
}

// Point is the measurement at one N: every repetition's value, in order.
type Point struct {
	N      float64
	Procs  int // GOMAXPROCS (processors available to Go) while measuring
	Values []float64
}

// Outcome is the verdict's answer.
type Outcome int

const (
	// Supported: the measurement agrees with the claim, beyond its spread.
	Supported Outcome = iota
	// Partly: one part of the claim holds beyond the spread, another does
	// not; the text says which.
	Partly
	// Contradicted: the measurement disagrees with the claim beyond its spread.
	Contradicted
	// Untestable: this machine cannot show it (for example one core, so no
	// two counters ever sit in two caches at once).
	Untestable
	// Inconclusive: the spread of the repetitions is too wide to tell.
	Inconclusive
)

func (o Outcome) String() string {
	switch o {
	case Supported:
		return "supported"
	case Partly:
		return "partly supported"
	case Contradicted:
		return "contradicted"
	case Untestable:
		return "not testable on this machine"
	case Inconclusive:
		return "inconclusive"
	}
	return "unknown"
}

// Verdict is an experiment's conclusion about its hypothesis.
type Verdict struct {
	Outcome Outcome
	Text    string  // the reasons, with the measured values and their spread
	Ratios  []Ratio // the comparisons the verdict rests on
}

// All returns the experiments in the order the lab runs them.
func All() []Experiment {
	return []Experiment{create(), contextSwitch(), scaling(), falseSharing(), messageSize()}
}

// withProcs runs f with GOMAXPROCS set to p and restores it.
func withProcs(p int, f func() error) error {
	prev := runtime.GOMAXPROCS(p)
	defer runtime.GOMAXPROCS(prev)
	return f()
}
