package lab

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/concurkit/concur/scale"
)

// ErrNoWork is returned (wrapped) when a run completed no unit of work, so
// that its throughput would say nothing.
var ErrNoWork = errors.New("no work done; try a longer -duration")

// measureTimed is the method for a timed workload:
//
//   - one warm-up run at the largest level that has a processor per
//     goroutine, discarded, so that caches, the heap and the scheduler are
//     in their steady state before anything counts;
//   - cfg.Reps rounds, each visiting every level once in a fresh random
//     order (seeded by the workload's name, so runs are reproducible), so
//     that drift of the machine spreads over all levels instead of
//     correlating with N;
//   - one evidence run per level with the block profile on, kept apart
//     so that profiling does not slow the runs that are counted.
//
// GOMAXPROCS is min(N, cfg.Cores) during each run and restored after.
func measureTimed(w Workload, cfg Config) (Series, error) {
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	step := cfg.Step
	if step == nil {
		step = func(string) {}
	}
	procs := func(n int) int { return max(1, min(n, cfg.Cores)) }

	warm := cfg.Levels[0]
	for _, n := range cfg.Levels {
		if n <= cfg.Cores {
			warm = n
		}
	}
	if _, err := runOnce(w.Run, warm, procs(warm), cfg.Run); err != nil {
		return Series{}, fmt.Errorf("warm-up at N=%d: %w", warm, err)
	}
	step(fmt.Sprintf("%s warm-up", w.Name))

	h := fnv.New64a()
	h.Write([]byte(w.Name))
	rng := rand.New(rand.NewPCG(h.Sum64(), 1))
	xs := make([][]float64, len(cfg.Levels))
	utils := make([][]float64, len(cfg.Levels))
	perCPU := make([][]float64, len(cfg.Levels))
	for r := range cfg.Reps {
		for _, i := range rng.Perm(len(cfg.Levels)) {
			n := cfg.Levels[i]
			res, err := runOnce(w.Run, n, procs(n), cfg.Run)
			if err != nil {
				return Series{}, fmt.Errorf("N=%d, repetition %d: %w", n, r+1, err)
			}
			xs[i] = append(xs[i], res.x)
			utils[i] = append(utils[i], res.cpuUtil)
			if res.perCPU > 0 {
				perCPU[i] = append(perCPU[i], res.perCPU)
			}
			step(fmt.Sprintf("%s N=%d (%d/%d)", w.Name, n, r+1, cfg.Reps))
		}
	}
	s := Series{Name: w.Name, Desc: w.Desc, Unit: w.Unit, Hypothesis: w.Hypothesis}
	for i, n := range cfg.Levels {
		ev, err := evidenceRun(w.Run, n, procs(n), cfg.Run)
		if err != nil {
			return Series{}, fmt.Errorf("N=%d, evidence run: %w", n, err)
		}
		ev.CPUUtil = medianOf(utils[i])
		ev.PerCPU = perCPU[i]
		s.Samples = append(s.Samples, scale.Sample{N: float64(n), Procs: float64(procs(n)), X: xs[i]})
		s.Evidence = append(s.Evidence, ev)
		step(fmt.Sprintf("%s N=%d evidence", w.Name, n))
	}
	return s, nil
}

type runResult struct {
	x       float64 // units per second
	cpuUtil float64 // process CPU time over wall time × processors
	perCPU  float64 // units per second of process CPU time; 0 when none was counted
	elapsed time.Duration
}

// runOnce runs body with n goroutines on procs processors for about d.
func runOnce(body Body, n, procs int, d time.Duration) (runResult, error) {
	runtime.GOMAXPROCS(procs)
	cpu0 := cpuTime()
	t0 := time.Now()
	units, err := body(n, t0.Add(d))
	el := time.Since(t0)
	cpu := cpuTime() - cpu0
	if err != nil {
		return runResult{}, err
	}
	if units == 0 {
		return runResult{}, fmt.Errorf("%w in %v", ErrNoWork, el.Round(time.Microsecond))
	}
	r := runResult{
		x:       float64(units) / el.Seconds(),
		cpuUtil: cpu.Seconds() / (el.Seconds() * float64(procs)),
		elapsed: el,
	}
	if cpu > 0 {
		r.perCPU = float64(units) / cpu.Seconds()
	}
	return r, nil
}

func medianOf(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
