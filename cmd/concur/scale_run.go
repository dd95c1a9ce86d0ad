package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concurkit/concur/cmd/concur/internal/lab"
)

// How concur scale measures, and why:
//
// The packages' test binaries are built once (go test -c), then run
// directly, one process per GOMAXPROCS level and repetition
// (-test.cpu N -test.count 1), so that the process's CPU time and wall time
// belong to that level alone, with no compiling or linking in them. The
// repetitions are interleaved across levels (round r starts at the r-th
// level), so drift of the machine does not correlate with N. Each process
// records a block profile at scaleBlockRate.
//
// The evidence is per process: when a package has several benchmarks, one
// level's CPU use and blocking cover all of them (a caveat says so). Running
// each benchmark in its own process would separate them, at the price of a
// process start and a b.N calibration per benchmark, level and repetition,
// and a second parser for -bench expressions that name sub-benchmarks.

// testBinary is a compiled test binary of one package.
type testBinary struct {
	pkg  string // import path, as go test prints it on its pkg: line
	dir  string // the package's directory, where go test would run it
	path string
}

// runResult is what one run of a test binary gave.
type runResult struct {
	out       []byte        // its standard output (go test -bench format)
	wall, cpu time.Duration // elapsed, and user + system CPU time
	// blocks is `go tool pprof -traces -lines` output of its block
	// profile; nil when none was recorded.
	blocks []byte
}

// benchRunner builds and runs test binaries; tests fake it.
type benchRunner interface {
	build(pkgs, buildFlags []string) ([]testBinary, error)
	run(b testBinary, args []string) (runResult, error)
}

// testFlagValues are go test's flags for the test binary that take a value;
// testFlagBools those that do not. Other flags after -- are build flags.
var (
	testFlagValues = []string{"benchtime", "coverprofile", "cpuprofile", "fuzz", "fuzzminimizetime", "fuzztime",
		"memprofile", "memprofilerate", "mutexprofile", "mutexprofilefraction", "outputdir", "parallel",
		"shuffle", "skip", "timeout", "trace"}
	testFlagBools = []string{"benchmem", "failfast", "fullpath", "short", "v"}
	// ownFlags are set by concur scale itself.
	ownFlags = []string{"bench", "cpu", "count", "run", "blockprofile", "blockprofilerate", "json", "list", "c", "o", "exec"}
)

// splitGoTestFlags separates the go test flags after -- into build flags
// (for go list and go test -c) and flags of the test binary (as -test.X).
func splitGoTestFlags(extra []string) (build, test []string, err error) {
	for i := 0; i < len(extra); i++ {
		a := extra[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		name = strings.TrimPrefix(name, "test.")
		switch {
		case !strings.HasPrefix(a, "-"):
			return nil, nil, fmt.Errorf("%q after --: packages go before --", a)
		case slices.Contains(ownFlags, name):
			return nil, nil, fmt.Errorf("-%s after --: concur scale sets it (use its own flags)", name)
		case slices.Contains(testFlagBools, name):
			test = append(test, "-test."+strings.TrimLeft(a, "-"))
		case slices.Contains(testFlagValues, name):
			if hasValue {
				test = append(test, "-test."+strings.TrimLeft(a, "-"))
			} else if i+1 < len(extra) {
				test = append(test, "-test."+name, extra[i+1])
				i++
			} else {
				return nil, nil, fmt.Errorf("-%s after -- needs a value", name)
			}
		default:
			build = append(build, a)
			// A build flag's value is the next argument unless it is
			// a flag itself (boolean build flags such as -race).
			if !hasValue && i+1 < len(extra) && !strings.HasPrefix(extra[i+1], "-") {
				build = append(build, extra[i+1])
				i++
			}
		}
	}
	return build, test, nil
}

// levelArgs is the test binary's command line for one run at GOMAXPROCS n.
func levelArgs(bench string, n int, benchtime string, testFlags []string) []string {
	args := []string{"-test.run", "^$", "-test.bench", bench, "-test.cpu", strconv.Itoa(n), "-test.count", "1"}
	if benchtime != "" {
		args = append(args, "-test.benchtime", benchtime)
	}
	return append(args, testFlags...)
}

// scaleMeasurement is the benchmarks' output and, per package, the
// evidence per GOMAXPROCS level in increasing order.
type scaleMeasurement struct {
	out      []byte
	evidence map[string][]lab.Evidence
}

// levelAcc accumulates one package's runs at one level.
type levelAcc struct {
	utils []float64
	wall  time.Duration // Σ wall × n: the goroutine time the blocked share is of
	sites map[string]time.Duration
}

// measureScale runs the benchmarks count times at each level, interleaved,
// and gathers the evidence. cores is the processors of this machine: the
// CPU utilisation at level n is of min(n, cores) processors.
func measureScale(r benchRunner, bins []testBinary, bench string, levels []int, count int, benchtime string, testFlags []string, cores int, bar *bar) (scaleMeasurement, error) {
	var out bytes.Buffer
	// A process's start and exit are not the benchmark's: a run that
	// selects no benchmark measures them, the least of three being the
	// least disturbed, and they are subtracted from every run.
	type cost struct{ wall, cpu time.Duration }
	base := map[string]cost{}
	for _, b := range bins {
		for range 3 {
			res, err := r.run(b, levelArgs("^$", 1, "", nil))
			if err != nil {
				out.Write(res.out)
				return scaleMeasurement{out: out.Bytes()}, fmt.Errorf("%s: %w", b.pkg, err)
			}
			if c, ok := base[b.pkg]; !ok || res.wall < c.wall {
				base[b.pkg] = cost{res.wall, res.cpu}
			}
		}
	}
	acc := map[string]map[int]*levelAcc{}
	for round := range count {
		for i := range levels {
			n := levels[(i+round)%len(levels)]
			for _, b := range bins {
				bar.step(fmt.Sprintf("%s GOMAXPROCS=%d", b.pkg, n))
				res, err := r.run(b, levelArgs(bench, n, benchtime, testFlags))
				out.Write(res.out)
				if err != nil {
					return scaleMeasurement{out: out.Bytes()}, fmt.Errorf("%s at -cpu %d: %w", b.pkg, n, err)
				}
				if acc[b.pkg] == nil {
					acc[b.pkg] = map[int]*levelAcc{}
				}
				a := acc[b.pkg][n]
				if a == nil {
					a = &levelAcc{sites: map[string]time.Duration{}}
					acc[b.pkg][n] = a
				}
				if wall, cpu := res.wall-base[b.pkg].wall, max(0, res.cpu-base[b.pkg].cpu); wall > 0 {
					a.utils = append(a.utils, min(1, cpu.Seconds()/(wall.Seconds()*float64(min(n, cores)))))
					a.wall += wall * time.Duration(n)
				}
				for w, d := range parseBlockTraces(res.blocks) {
					a.sites[w] += d
				}
			}
		}
	}
	m := scaleMeasurement{out: out.Bytes(), evidence: map[string][]lab.Evidence{}}
	for pkg, byN := range acc {
		for _, n := range levels {
			a := byN[n]
			if a == nil || len(a.utils) == 0 {
				continue
			}
			var blocked time.Duration
			for _, d := range a.sites {
				blocked += d
			}
			utils := slices.Sorted(slices.Values(a.utils))
			m.evidence[pkg] = append(m.evidence[pkg], lab.Evidence{
				N: n, Procs: min(n, cores),
				CPUUtil: median(utils),
				Blocked: min(1, float64(blocked)/float64(a.wall)),
				Sites:   topSites(a.sites, a.wall),
				// Seen from outside the process: not measured.
				GCShare: math.NaN(),
			})
		}
		slices.SortFunc(m.evidence[pkg], func(x, y lab.Evidence) int { return x.N - y.N })
	}
	return m, nil
}

func median(sorted []float64) float64 {
	k := len(sorted)
	if k%2 == 1 {
		return sorted[k/2]
	}
	return (sorted[k/2-1] + sorted[k/2]) / 2
}

// execRunner is the real benchRunner: it runs the go command and the test
// binaries, keeping them and their profiles in dir.
type execRunner struct {
	dir    string
	stderr io.Writer
	runs   int
}

func (r *execRunner) build(pkgs, buildFlags []string) ([]testBinary, error) {
	if len(pkgs) == 0 {
		pkgs = []string{"."}
	}
	list := exec.Command("go", append(append([]string{"list", "-f", "{{.ImportPath}}\t{{.Dir}}"}, buildFlags...), pkgs...)...)
	list.Stderr = r.stderr
	lines, err := list.Output()
	if err != nil {
		return nil, fmt.Errorf("go test failed (go list: %w)", err)
	}
	var bins []testBinary
	for i, line := range strings.Split(strings.TrimSpace(string(lines)), "\n") {
		pkg, dir, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		b := testBinary{pkg: pkg, dir: dir, path: filepath.Join(r.dir, strconv.Itoa(i)+".test")}
		c := exec.Command("go", append(append([]string{"test", "-c", "-o", b.path}, buildFlags...), pkg)...)
		c.Stdout, c.Stderr = r.stderr, r.stderr
		if err := c.Run(); err != nil {
			return nil, fmt.Errorf("go test failed (go test -c %s: %w)", pkg, err)
		}
		if _, err := os.Stat(b.path); err == nil {
			bins = append(bins, b) // none is written for a package without tests
		}
	}
	if len(bins) == 0 {
		return nil, errors.New("no test files in the packages")
	}
	return bins, nil
}

func (r *execRunner) run(b testBinary, args []string) (runResult, error) {
	r.runs++
	prof := filepath.Join(r.dir, fmt.Sprintf("block%d.prof", r.runs))
	args = append(args, "-test.blockprofile", prof, "-test.blockprofilerate", strconv.Itoa(scaleBlockRate))
	var out bytes.Buffer
	c := exec.Command(b.path, args...)
	c.Dir = b.dir
	c.Stdout, c.Stderr = &out, r.stderr
	start := time.Now()
	err := c.Run()
	res := runResult{out: out.Bytes(), wall: time.Since(start)}
	if c.ProcessState != nil {
		res.cpu = c.ProcessState.UserTime() + c.ProcessState.SystemTime()
	}
	if err != nil {
		return res, fmt.Errorf("test binary failed (%w)", err)
	}
	if _, err := os.Stat(prof); err == nil {
		p := exec.Command("go", "tool", "pprof", "-traces", "-lines", prof)
		p.Stderr = io.Discard // "Main binary filename not available" and the like
		if t, err := p.Output(); err == nil {
			res.blocks = t
		}
		os.Remove(prof)
	}
	return res, nil
}
