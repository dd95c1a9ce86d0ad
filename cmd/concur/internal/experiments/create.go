package experiments

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Names of the series of the creation experiment.
const (
	seriesProcesses  = "processes"
	seriesThreads    = "OS threads"
	seriesGoroutines = "goroutines"
	procMemSuffix    = ": memory (peak RSS of a child)"
	memSuffix        = ": memory (RSS growth)"
	stackSuffix      = ": stack (runtime/metrics)"
)

// Keys of Result.Derived for the creation experiment: the consistency
// facts, summed over all repetitions.
const (
	DerivedProcesses          = "distinct child pids reported"
	DerivedThreads            = "distinct kernel threads used by thread units"
	DerivedMemoryChildThreads = "distinct kernel threads of the thread units alive at once in a memory child"
)

func create() Experiment {
	return Experiment{
		Name:  "exp/create",
		Short: "processes vs OS threads vs goroutines: time to create, memory per unit",
		Title: "start and join K units of trivial work as processes (this binary re-executed), OS threads (goroutines locked with runtime.LockOSThread, each ending its thread) and goroutines; time and memory per unit",
		Hypothesis: "Creating a thread is much cheaper than creating a process (textbooks: up to 100 times), " +
			"and a goroutine, a user-level thread with a small growable stack, is cheaper still, in time and in memory.",
		Run:     runCreate,
		Verdict: createVerdict,
	}
}

func runCreate(ctx context.Context, cfg Config) (Result, error) {
	exe, err := cfg.exe()
	if err != nil {
		return Result{}, err
	}
	kp, kt, kg := cfg.scaled(16, 2), cfg.scaled(200, 4), cfg.scaled(10000, 16)
	if raceEnabled {
		kg = min(kg, 4000)
	}
	procs := runtime.GOMAXPROCS(0)
	r := Result{Experiment: "exp/create", Cores: runtime.NumCPU(), Derived: map[string]float64{}}
	pt := Point{N: float64(kp), Procs: procs}
	tt := Point{N: float64(kt), Procs: procs}
	gt := Point{N: float64(kg), Procs: procs}
	pm, tm, gm := pt, tt, gt
	ts, gs := tt, gt
	pm.Values, tm.Values, gm.Values = nil, nil, nil
	var pids, threadsMade int
	for range cfg.reps() {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		sec, rss, n, err := spawnProcesses(exe, kp)
		if err != nil {
			return r, err
		}
		pids += n
		pt.Values = append(pt.Values, sec)
		if rss > 0 {
			pm.Values = append(pm.Values, rss)
		}
		sec, made, err := startThreads(kt)
		if err != nil {
			return r, err
		}
		threadsMade += made
		tt.Values = append(tt.Values, sec)
		sec, err = startGoroutines(kg)
		if err != nil {
			return r, err
		}
		gt.Values = append(gt.Values, sec)

		for _, c := range []struct {
			what     string
			k        int
			mem, stk *Point
		}{{"threads", kt, &tm, &ts}, {"goroutines", kg, &gm, &gs}} {
			m, err := memoryChild(exe, c.what, c.k)
			if err != nil {
				return r, err
			}
			if m.RSSAfter > 0 {
				c.mem.Values = append(c.mem.Values, max(0, m.RSSAfter-m.RSSBefore)/float64(c.k))
			}
			c.stk.Values = append(c.stk.Values, max(0, m.StacksAfter-m.StacksBefore)/float64(c.k))
			if c.what == "threads" {
				r.Derived[DerivedMemoryChildThreads] = float64(m.Threads)
			}
		}
	}
	reps := cfg.reps()
	r.Facts = append(r.Facts,
		fmt.Sprintf("%d child processes reported %d distinct process ids, none of them this process", reps*kp, pids),
		fmt.Sprintf("%d thread units ran on %d distinct kernel threads (0: not known on this system); the runtime ends the thread of a goroutine that exits locked", reps*kt, threadsMade),
		fmt.Sprintf("a memory child's %d locked goroutines, alive at once, ran on %d distinct kernel threads", kt, int(r.Derived[DerivedMemoryChildThreads])))
	r.Derived[DerivedProcesses] = float64(pids)
	r.Derived[DerivedThreads] = float64(threadsMade)
	unit := func(name, u string, p Point) Series {
		return Series{Name: name, Unit: u, NMeaning: "units", Points: []Point{p}}
	}
	r.Series = []Series{
		unit(seriesProcesses, "s/unit", pt), unit(seriesThreads, "s/unit", tt), unit(seriesGoroutines, "s/unit", gt),
	}
	if len(pm.Values) > 0 {
		r.Series = append(r.Series, unit(seriesProcesses+procMemSuffix, "bytes/unit", pm))
	}
	if len(tm.Values) > 0 {
		r.Series = append(r.Series, unit(seriesThreads+memSuffix, "bytes/unit", tm), unit(seriesGoroutines+memSuffix, "bytes/unit", gm))
	}
	r.Series = append(r.Series, unit(seriesThreads+stackSuffix, "bytes/unit", ts), unit(seriesGoroutines+stackSuffix, "bytes/unit", gs))
	return r, nil
}

// spawnProcesses starts k children at once and waits for all; it returns
// the time per process, their mean peak RSS (0 when unknown) and how many
// distinct pids, none of them ours, they reported.
func spawnProcesses(exe string, k int) (perUnit, rss float64, pids int, err error) {
	cmds := make([]*exec1, k)
	t0 := time.Now()
	for i := range cmds {
		c := &exec1{cmd: childCmd(exe, "spawn")}
		c.cmd.Stdout = &c.out
		if err := c.cmd.Start(); err != nil {
			for _, d := range cmds[:i] {
				d.cmd.Wait()
			}
			return 0, 0, 0, fmt.Errorf("starting a child process: %w", err)
		}
		cmds[i] = c
	}
	var firstErr error
	for _, c := range cmds {
		if err := c.cmd.Wait(); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("child process: %w", err)
		}
	}
	el := time.Since(t0)
	if firstErr != nil {
		return 0, 0, 0, firstErr
	}
	seen := map[int]bool{os.Getpid(): true}
	var sum float64
	known := true
	for _, c := range cmds {
		pid, err := readPID(bufio.NewReader(&c.out))
		if err != nil {
			return 0, 0, 0, err
		}
		if seen[pid] || pid != c.cmd.Process.Pid {
			return 0, 0, 0, fmt.Errorf("child reported pid %d, started as %d (or seen twice)", pid, c.cmd.Process.Pid)
		}
		seen[pid] = true
		v, ok := childMaxRSS(c.cmd.ProcessState)
		known = known && ok
		sum += v
	}
	if known {
		rss = sum / float64(k)
	}
	return el.Seconds() / float64(k), rss, len(seen) - 1, nil
}

// exec1 is a child process with what it wrote.
type exec1 struct {
	cmd *exec.Cmd
	out bytes.Buffer
}

// startThreads runs k goroutines that each lock their OS thread, do the
// unit of work and exit locked, so that the runtime must end that thread and
// start another for the next. It returns the time per unit and how many
// distinct kernel thread ids the units ran on (0 where the system does not
// say): k when each unit had a thread of its own.
func startThreads(k int) (perUnit float64, threads int, err error) {
	var (
		wg   sync.WaitGroup
		work atomic.Int64
		tids = make([]int, k)
	)
	t0 := time.Now()
	for i := range k {
		wg.Go(func() {
			runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
			tids[i] = threadID()
			work.Add(1)
		})
	}
	wg.Wait()
	el := time.Since(t0)
	if got := work.Load(); got != int64(k) {
		return 0, 0, fmt.Errorf("threads did %d units of work, want %d", got, k)
	}
	return el.Seconds() / float64(k), distinct(tids), nil
}

// startGoroutines runs k goroutines that do the unit of work; it returns the
// time per unit.
func startGoroutines(k int) (float64, error) {
	var (
		wg   sync.WaitGroup
		work atomic.Int64
	)
	t0 := time.Now()
	for range k {
		wg.Go(func() { work.Add(1) })
	}
	wg.Wait()
	el := time.Since(t0)
	if got := work.Load(); got != int64(k) {
		return 0, fmt.Errorf("goroutines did %d units of work, want %d", got, k)
	}
	return el.Seconds() / float64(k), nil
}

// memoryChild runs a fresh child that keeps k units alive and reports its
// own memory before and with them.
func memoryChild(exe, what string, k int) (memoryReport, error) {
	cmd := childCmd(exe, fmt.Sprintf("memory:%s:%d", what, k))
	out, err := cmd.Output()
	if err != nil {
		return memoryReport{}, fmt.Errorf("memory child: %w", err)
	}
	m, err := decodeMemory(string(out))
	if err != nil {
		return m, fmt.Errorf("memory child said %q: %v", strings.TrimSpace(string(out)), err)
	}
	if m.Units != k || m.PID != cmd.Process.Pid {
		return m, fmt.Errorf("memory child %d reported %d units as pid %d, want %d", cmd.Process.Pid, m.Units, m.PID, k)
	}
	return m, nil
}

func createVerdict(r Result) Verdict {
	p, t, g := r.SeriesNamed(seriesProcesses), r.SeriesNamed(seriesThreads), r.SeriesNamed(seriesGoroutines)
	if p == nil || t == nil || g == nil {
		return Verdict{Outcome: Inconclusive, Text: "the run measured too little to judge"}
	}
	pp, tp, gp := p.Points[0], t.Points[0], g.Points[0]
	pt := compare(seriesProcesses, pp, "threads", tp)
	tg := compare("threads", tp, seriesGoroutines, gp)
	v := Verdict{Ratios: []Ratio{pt, tg}}
	var b strings.Builder
	fmt.Fprintf(&b, "per unit, a process took %s, an OS thread %s, a goroutine %s (median, min–max of %d runs): ",
		spreadText(pp, Seconds), spreadText(tp, Seconds), spreadText(gp, Seconds), len(pp.Values))
	fmt.Fprintf(&b, "a process costs %s a thread, a thread %s a goroutine", pt.Range(), tg.Range())
	pm, tm, gm := r.SeriesNamed(seriesProcesses+procMemSuffix), r.SeriesNamed(seriesThreads+memSuffix), r.SeriesNamed(seriesGoroutines+memSuffix)
	if pm != nil && tm != nil && gm != nil {
		fmt.Fprintf(&b, "; in memory a process occupies %s (its peak RSS), a thread adds %s of RSS, a goroutine %s",
			Bytes(pm.Points[0].Median()), Bytes(tm.Points[0].Median()), Bytes(gm.Points[0].Median()))
	}
	switch {
	case pt.Distinct && pt.Median > 1 && tg.Distinct && tg.Median > 1:
		v.Outcome = Supported
		b.WriteString(". Supported: process > thread > goroutine beyond the spread")
		if pt.Median < 10 {
			b.WriteString(", though a process here costs far less than 100 threads")
		}
	case pt.Distinct && pt.Median < 1 || tg.Distinct && tg.Median < 1:
		v.Outcome = Contradicted
		b.WriteString(". Contradicted: the order is not process > thread > goroutine")
	default:
		v.Outcome = Inconclusive
		b.WriteString(". Inconclusive: the repetitions overlap")
	}
	b.WriteString(". A process here is a Go program, whose runtime starts threads and a heap before main: more than a bare fork and exit.")
	v.Text = b.String()
	return v
}
