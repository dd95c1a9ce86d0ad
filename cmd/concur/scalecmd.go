package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/concurkit/concur/scale"
)

func runScale(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	cpu := fs.String("cpu", defaultCPUList(), "comma-separated GOMAXPROCS values to run the benchmarks at")
	bench := fs.String("bench", ".", "run only benchmarks matching this regular expression")
	count := fs.Int("count", 1, "run each benchmark this many times at each -cpu value")
	benchtime := fs.String("benchtime", "", "passed to go test -benchtime when set")
	in := fs.String("in", "", "analyse saved `go test -bench` output from this file (- for stdin) instead of running go test")
	out := fs.String("out", "concur-scale.html", "write the HTML report to this file (empty: no report)")
	progress := fs.Bool("progress", isTerminal(stderr), "show progress on stderr (default: when stderr is a terminal)")
	synopsis := "[-cpu 1,2,4,8] [-bench REGEXP] [-count K] [-out report.html] [packages]\n" +
		"       concur scale -in FILE|-\n\n" +
		"Runs go test -run '^$' -bench REGEXP -cpu LIST on the packages (default .), or reads\n" +
		"saved output with -in, and fits each benchmark: N is GOMAXPROCS, X is 1/(sec/op)."
	if help, err := parseFlags(fs, synopsis, args, stdout); help || err != nil {
		return err
	}
	var (
		input []byte
		name  string
	)
	if *in != "" {
		if fs.NArg() > 0 {
			return errors.New("scale: -in analyses saved output; it takes no packages")
		}
		f, err := openInput(*in)
		if err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		input, err = io.ReadAll(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		name = *in
		if name == "-" {
			name = "stdin"
		}
	} else {
		levels, err := parseCPUList(*cpu)
		if err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		if *count < 1 {
			return errors.New("scale: -count must be at least 1")
		}
		input, err = goTestBench(fs.Args(), *bench, levels, *count, *benchtime, stderr, *progress)
		if err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		name = "go test output"
	}
	ss, err := parseBench(bytes.NewReader(input), name)
	if err != nil {
		return fmt.Errorf("scale: %w", err)
	}
	// A benchmark that cannot be fitted (too few levels, say) is skipped
	// with a warning, so that one odd benchmark does not hide the others.
	var (
		as      []*analysis
		skipped []error
	)
	for _, s := range ss {
		if *in == "" {
			s.cores = runtime.NumCPU() // measured here, so the cores present are known
		}
		a, err := analyse(s)
		if err != nil {
			skipped = append(skipped, err)
			continue
		}
		as = append(as, a)
	}
	if len(as) == 0 {
		return fmt.Errorf("scale: %w", skipped[0])
	}
	for _, err := range skipped {
		fmt.Fprintf(stderr, "concur: scale: skipped %v\n", err)
	}
	for _, a := range as {
		a.writeText(stdout)
	}
	if *out != "" {
		if err := writeReport(*out, "concur scale", "Benchmarks from "+name+"; N is GOMAXPROCS, throughput is 1/(sec/op).", as); err != nil {
			return fmt.Errorf("scale: %w", err)
		}
		fmt.Fprintf(stderr, "concur: report written to %s\n", *out)
	}
	return nil
}

// defaultCPUList is 1, 2, 4, … up to twice the cores, and at least 8.
func defaultCPUList() string {
	var l []string
	for _, n := range doublings(max(8, 2*runtime.NumCPU())) {
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
	if len(l) < 3 {
		return nil, fmt.Errorf("-cpu %s: needs at least 3 distinct values to fit a curve", s)
	}
	return l, nil
}

// goTestBench runs the benchmarks and returns their standard output, showing
// each finished benchmark line as progress. go test's own stderr passes
// through; on failure its standard output is copied to stderr too, since it
// holds the test failure.
func goTestBench(pkgs []string, bench string, cpus []int, count int, benchtime string, stderr io.Writer, progress bool) ([]byte, error) {
	var cpu []string
	for _, n := range cpus {
		cpu = append(cpu, strconv.Itoa(n))
	}
	args := []string{"test", "-run", "^$", "-bench", bench, "-cpu", strings.Join(cpu, ","), "-count", strconv.Itoa(count)}
	if benchtime != "" {
		args = append(args, "-benchtime", benchtime)
	}
	if len(pkgs) == 0 {
		pkgs = []string{"."}
	}
	args = append(args, pkgs...)
	bar := newBar(stderr, progress, -1, "go "+strings.Join(args, " "))
	defer bar.done()

	var out bytes.Buffer
	pr, pw := io.Pipe()
	cmd := exec.Command("go", args...)
	cmd.Stdout = io.MultiWriter(&out, pw)
	cmd.Stderr = stderr
	scanDone := make(chan struct{})
	go func() {
		defer close(scanDone)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) > 2 && strings.HasPrefix(f[0], "Benchmark") {
				bar.step(f[0])
			}
		}
		io.Copy(io.Discard, pr)
	}()
	err := cmd.Run()
	pw.Close()
	<-scanDone
	if err != nil {
		bar.done()
		stderr.Write(out.Bytes())
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("go test failed (%v)", ee)
		}
		return nil, err
	}
	return out.Bytes(), nil
}

// parseBench reads go test -bench output with benchfmt and returns one
// series per benchmark (package and name without the -P suffix), in the
// order the benchmarks first appear.
func parseBench(r io.Reader, name string) ([]series, error) {
	rd := benchfmt.NewReader(r, name)
	var rs []benchResult
	for rd.Scan() {
		res, ok := rd.Result().(*benchfmt.Result)
		if !ok {
			continue // unit metadata, or a line benchfmt could not parse
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
		return nil, err
	}
	// go test omits the suffix at GOMAXPROCS 1, so "BenchmarkX/size-64" is
	// size-64 at 1 proc when "BenchmarkX/size-64-2" is there too.
	prefixes := map[string]bool{}
	for _, r := range rs {
		if r.procs > 1 || r.prefix != r.full {
			prefixes[r.pkg+"\x00"+r.prefix] = true
		}
	}
	index := map[string]int{}
	var ss []series
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
		i, seen := index[key]
		if !seen {
			i = len(ss)
			index[key] = i
			ss = append(ss, series{name: display, unit: "ops/s"})
		}
		ss[i].points = append(ss[i].points, scale.Point{N: float64(procs), X: r.x})
	}
	if len(ss) == 0 {
		return nil, fmt.Errorf("%s: no benchmark results (want lines like \"BenchmarkX-4  1000  1234 ns/op\")", name)
	}
	return ss, nil
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
