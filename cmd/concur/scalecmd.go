package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/concurkit/concur/cmd/concur/internal/lab"
	"github.com/concurkit/concur/cmd/concur/internal/report"
	"github.com/concurkit/concur/scale"
)

func runScale(args []string, e env) error {
	return runScaleWith(args, e, nil)
}

// runScaleWith is runScale with the benchmarks run by r; nil runs them with
// the go command.
func runScaleWith(args []string, e env, r benchRunner) (err error) {
	m := e.machine()
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	cpu := fs.String("cpu", defaultCPUList(m.Cores), "comma-separated GOMAXPROCS values to run the benchmarks at")
	bench := fs.String("bench", ".", "run only benchmarks matching this regular expression")
	count := fs.Int("count", 5, "run each benchmark this many times at each -cpu value (the spread needs at least 3)")
	benchtime := fs.String("benchtime", "", "passed to go test -benchtime when set")
	in := fs.String("in", "", "analyse saved `go test -bench` output from this file (- for stdin) instead of running go test")
	cores := fs.Int("cores", 0, "processors of the machine that ran the benchmarks (default: this machine's when running them; unknown for -in)")
	out := fs.String("out", "concur-scale.html", "write the HTML report to this file (empty: no report)")
	progress := fs.Bool("progress", isTerminal(e.stderr), "show progress on stderr (default: when stderr is a terminal)")
	synopsis := "[-cpu 1,2,4,8] [-bench REGEXP] [-count K] [-cores P] [-out report.html] [packages] [-- go test flags]\n" +
		"       concur scale [-cores P] -in FILE|-\n\n" +
		"Builds the packages' test binaries (default .) with go test -c and runs the benchmarks\n" +
		"matching REGEXP once per -cpu value and repetition, interleaved, or reads saved go test\n" +
		"-bench output with -in, and analyses each benchmark: N is GOMAXPROCS, X is 1/(sec/op).\n" +
		"When it runs them, it records per level the process's CPU use and its block profile\n" +
		"(where goroutines waited), shared by the benchmarks of one package.\n" +
		"Arguments after -- are go test flags (e.g. -- -tags purego -benchmem)."
	if help, err := parseFlags(fs, synopsis, args, e.stdout); help || err != nil {
		return err
	}
	pkgs, extra := fs.Args(), []string(nil)
	for i, a := range pkgs {
		if a == "--" {
			pkgs, extra = pkgs[:i], pkgs[i+1:]
			break
		}
	}
	if *cores < 0 {
		return errors.New("scale: -cores must not be negative")
	}
	var (
		input    []byte
		name     string
		evidence map[string][]lab.Evidence // per package; nil with -in
	)
	var (
		levels                []int
		buildFlags, testFlags []string
	)
	if *in == "" {
		if buildFlags, testFlags, err = splitGoTestFlags(extra); err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		if levels, err = parseCPUList(*cpu); err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		if *count < 1 {
			return errors.New("scale: -count must be at least 1")
		}
	} else if len(pkgs) > 0 || len(extra) > 0 {
		return errors.New("scale: -in analyses saved output; it takes no packages or go test flags")
	}
	o, err := createOutput(*out)
	if err != nil {
		return fmt.Errorf("scale: -out: %w", err)
	}
	var v report.View
	defer o.finish(&err, e.stderr, func(w io.Writer) error { return report.WriteHTML(w, v) })
	if *in != "" {
		r, err := openInput(*in, e.stdin)
		if err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		input, err = io.ReadAll(r)
		r.Close()
		if err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		name = *in
		if name == "-" {
			name = "stdin"
		}
	} else {
		if *cores == 0 {
			*cores = m.Cores // measured here, so the processors are known
		}
		if r == nil {
			dir, err := os.MkdirTemp("", "concur-scale-")
			if err != nil {
				return fmt.Errorf("scale: %w", err)
			}
			defer os.RemoveAll(dir)
			r = &execRunner{dir: dir, stderr: e.stderr}
		}
		bins, err := r.build(pkgs, buildFlags)
		if err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		bar := newBar(e.stderr, *progress, *count*len(levels)*len(bins), "benchmarks of "+strconv.Itoa(len(bins))+" packages")
		ms, err := measureScale(r, bins, *bench, levels, *count, *benchtime, testFlags, *cores, bar)
		bar.done()
		if err != nil {
			e.stderr.Write(ms.out) // it holds the failure
			return fmt.Errorf("scale: go test failed: %w", err)
		}
		input, evidence = ms.out, ms.evidence
		name = "go test output"
	}
	bs, err := parseBench(bytes.NewReader(input), name)
	if err != nil {
		return fmt.Errorf("scale: %w", err)
	}
	v = report.View{Title: "concur scale: benchmarks from " + name + "; N is GOMAXPROCS, throughput is 1/(sec/op)", Notes: report.Notes}
	if bs.machine != "" {
		v.Machine = bs.machine
	}
	if *cores > 0 {
		v.Scope = append(v.Scope, fmt.Sprintf("The benchmarks ran on %d processors: only GOMAXPROCS ≤ %d measures scaling; larger values are shown as oversubscription and not fitted.", *cores, *cores))
	} else {
		v.Scope = append(v.Scope, "The number of processors that ran the benchmarks is unknown (pass -cores P): every GOMAXPROCS value is taken to have had a processor of its own.")
	}
	if evidence == nil {
		v.Scope = append(v.Scope, "No evidence of where the time went (CPU busy, time blocked and where): it is recorded only when concur scale runs the benchmarks itself, not from saved output.")
	} else {
		v.Scope = append(v.Scope, fmt.Sprintf("Evidence is per test process, one per GOMAXPROCS value and repetition: CPU busy is its CPU time over wall time × processors; blocked is its block profile (rate %dns) over wall time × GOMAXPROCS, without the testing harness's own waits. GC and scheduling delay are not measured from outside the process.", scaleBlockRate))
	}
	perPkg := map[string]int{}
	for _, s := range bs.series {
		perPkg[s.pkg]++
	}
	report.WriteHeader(e.stdout, v)
	// A benchmark that cannot be analysed is skipped with a warning, so
	// that one odd benchmark does not hide the others.
	var skipped []error
	for _, s := range bs.series {
		var samples []scale.Sample
		for _, n := range s.order {
			smp := scale.Sample{N: float64(n), X: s.x[n]}
			if *cores > 0 {
				smp.Procs = float64(min(n, *cores))
			}
			samples = append(samples, smp)
		}
		a, err := scale.Analyze(samples)
		if err == nil && len(a.Levels) < 2 {
			err = fmt.Errorf("%w: %d GOMAXPROCS value", scale.ErrTooFewPoints, len(a.Levels))
		}
		if err != nil {
			skipped = append(skipped, fmt.Errorf("%s: %w", s.name, err))
			continue
		}
		sec := report.NewSection(report.Input{Name: s.name, Unit: "ops/s", Analysis: a, NKind: "processors",
			Evidence: evidence[s.pkg], ProcessEvidence: evidence != nil})
		if k := perPkg[s.pkg]; k > 1 && len(evidence[s.pkg]) > 0 {
			sec.Caveats = append(sec.Caveats, fmt.Sprintf("the evidence covers all %d benchmarks of its package run at each GOMAXPROCS, not this one alone (select one with -bench to separate them)", k))
		}
		if flat(a) {
			sec.Caveats = append(sec.Caveats, "throughput is flat across -cpu: the benchmark probably runs on one goroutine whatever GOMAXPROCS is (does it use b.RunParallel?), so it says nothing about scalability")
		}
		report.WriteSection(e.stdout, sec)
		v.Sections = append(v.Sections, sec)
	}
	if len(v.Sections) == 0 {
		return fmt.Errorf("scale: %w", skipped[0])
	}
	for _, err := range skipped {
		fmt.Fprintf(e.stderr, "concur: scale: skipped %s\n", strings.TrimPrefix(strings.ReplaceAll(err.Error(), "scale: ", ""), "scale: "))
	}
	report.WriteFooter(e.stdout, v)
	return nil
}

// flat reports throughput within ±10% of X(1) at every level, the mark of
// a benchmark that does not run in parallel.
func flat(a scale.Analysis) bool {
	for _, l := range a.Levels {
		if l.Speedup > 1.1 || l.Speedup < 0.9 {
			return false
		}
	}
	return len(a.Levels) > 1 && a.X1Measured
}

// defaultCPUList is 1, 2, 4, … up to twice the cores, and at least 4.
func defaultCPUList(cores int) string {
	var l []string
	for _, n := range doublings(max(4, 2*cores)) {
		l = append(l, strconv.Itoa(n))
	}
	return strings.Join(l, ",")
}

func parseCPUList(s string) ([]int, error) {
	var l []int
	seen := map[int]bool{}
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-cpu: %q is not a positive integer", f)
		}
		if !seen[n] {
			seen[n] = true
			l = append(l, n)
		}
	}
	if len(l) < 2 {
		return nil, fmt.Errorf("-cpu %s: needs at least 2 distinct values to show a speed-up", s)
	}
	return l, nil
}

// benchSeries is one benchmark's throughput per GOMAXPROCS, every run kept.
type benchSeries struct {
	name  string
	pkg   string // import path, from the pkg: line; empty without one
	order []int  // GOMAXPROCS values in increasing order
	x     map[int][]float64
}

// benchSet is parsed go test -bench output.
type benchSet struct {
	series  []*benchSeries
	machine string // from the cpu:, goos: and goarch: lines, when present
}

// parseBench reads go test -bench output with benchfmt and returns one
// series per benchmark (package and name without the -P suffix), in the
// order the benchmarks first appear.
func parseBench(r io.Reader, name string) (benchSet, error) {
	rd := benchfmt.NewReader(r, name)
	var rs []benchResult
	var set benchSet
	for rd.Scan() {
		res, ok := rd.Result().(*benchfmt.Result)
		if !ok {
			continue // unit metadata, or a line benchfmt could not parse
		}
		if set.machine == "" {
			if c := res.GetConfig("cpu"); c != "" {
				set.machine = strings.TrimSpace(c + "; " + res.GetConfig("goos") + "/" + res.GetConfig("goarch"))
			}
		}
		sec, ok := res.Value("sec/op")
		if !ok || sec <= 0 {
			continue
		}
		r := benchResult{x: 1 / sec, pkg: res.GetConfig("pkg"), procs: 1}
		base, parts := res.Name.Parts()
		r.full = string(base)
		for _, p := range parts {
			r.full += string(p)
		}
		// Only the last part can be go test's -P suffix, and only a
		// number; a sub-benchmark may end in "-64" itself (see below).
		r.prefix = r.full
		if k := len(parts); k > 0 && parts[k-1][0] == '-' {
			if n, err := strconv.Atoi(string(parts[k-1][1:])); err == nil && n > 0 {
				r.prefix, r.procs = strings.TrimSuffix(r.full, string(parts[k-1])), n
			}
		}
		rs = append(rs, r)
	}
	if err := rd.Err(); err != nil {
		return benchSet{}, err
	}
	// go test omits the suffix at GOMAXPROCS 1, so "BenchmarkX/size-64" is
	// size-64 at 1 proc when "BenchmarkX/size-64-2" is there too.
	prefixes := map[string]bool{}
	for _, r := range rs {
		if r.procs > 1 || r.prefix != r.full {
			prefixes[r.pkg+"\x00"+r.prefix] = true
		}
	}
	index := map[string]*benchSeries{}
	for _, r := range rs {
		key, procs := r.prefix, r.procs
		if prefixes[r.pkg+"\x00"+r.full] {
			key, procs = r.full, 1
		}
		display := key
		if r.pkg != "" {
			key = r.pkg + "." + key
			display += " (" + r.pkg + ")"
		}
		s, seen := index[key]
		if !seen {
			s = &benchSeries{name: display, pkg: r.pkg, x: map[int][]float64{}}
			index[key] = s
			set.series = append(set.series, s)
		}
		if _, ok := s.x[procs]; !ok {
			s.order = append(s.order, procs)
		}
		s.x[procs] = append(s.x[procs], r.x)
	}
	if len(set.series) == 0 {
		return benchSet{}, fmt.Errorf("%s: no benchmark results (want lines like \"BenchmarkX-4  1000  1234 ns/op\")", name)
	}
	for _, s := range set.series {
		slices.Sort(s.order)
	}
	return set, nil
}

// benchResult is one result line: its full name, the name without a -P
// suffix (prefix) and the GOMAXPROCS that suffix gives (1 without one).
type benchResult struct {
	pkg, full, prefix string
	procs             int
	x                 float64
}

// isTerminal reports whether w is a character device, as a terminal is.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
