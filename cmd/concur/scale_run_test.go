package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// blockTraces is go tool pprof -traces -lines output as Go 1.26 prints it
// for a RunParallel benchmark whose workers contend on a mutex.
const blockTraces = `File: b.test
Build ID: 86828e3fe422ee0a4f525e84471337d852db1c05
Type: delay
Time: 2026-12-02 13:01:45 UTC
-----------+-------------------------------------------------------
     1.27s   runtime.chanrecv1 /usr/local/go/src/runtime/chan.go:509
             testing.(*B).run1 /usr/local/go/src/testing/benchmark.go:247
             main.main _testmain.go:46
-----------+-------------------------------------------------------
     1.25s   sync.(*WaitGroup).Wait /usr/local/go/src/sync/waitgroup.go:206
             testing.(*B).RunParallel /usr/local/go/src/testing/benchmark.go:1020
             example.com/p.BenchmarkX /src/p/bench_test.go:12
-----------+-------------------------------------------------------
      30ms   sync.(*Mutex).Lock /usr/local/go/src/sync/mutex.go:46 (inline)
             example.com/p.BenchmarkX.func1 /src/p/bench_test.go:14
             testing.(*B).RunParallel.func1 /usr/local/go/src/testing/benchmark.go:1000
-----------+-------------------------------------------------------
      10ms   runtime.chanrecv1 /usr/local/go/src/runtime/chan.go:509
             example.com/p.worker /src/p/p.go:7
-----------+-------------------------------------------------------
   104.41us   runtime.chanrecv1 /usr/local/go/src/runtime/chan.go:509
             runtime.gcBgMarkStartWorkers /usr/local/go/src/runtime/mgc.go:1705
-----------+-------------------------------------------------------
`

// TestParseBlockTraces: the benchmark's own waits are named by the
// blocking call and its line; the harness's and the runtime's are not
// counted.
func TestParseBlockTraces(t *testing.T) {
	got := parseBlockTraces([]byte(blockTraces))
	want := map[string]time.Duration{
		"sync.(*Mutex).Lock from bench_test.go:14": 30 * time.Millisecond,
		"channel receive from p.go:7":              10 * time.Millisecond,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if got := parseBlockTraces(nil); len(got) != 0 {
		t.Errorf("no profile: %v", got)
	}
}

// TestSplitGoTestFlags: the test binary's flags become -test.X, the rest
// go to the build; flags concur sets are refused.
func TestSplitGoTestFlags(t *testing.T) {
	build, test, err := splitGoTestFlags([]string{"-benchmem", "-tags", "x", "-race", "-benchtime=2s", "-timeout", "1m", "-gcflags=-N"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(build, " "), "-tags x -race -gcflags=-N"; got != want {
		t.Errorf("build %q, want %q", got, want)
	}
	if got, want := strings.Join(test, " "), "-test.benchmem -test.benchtime=2s -test.timeout 1m"; got != want {
		t.Errorf("test %q, want %q", got, want)
	}
	for _, bad := range [][]string{{"-cpu", "4"}, {"-count=2"}, {"-test.bench", "."}, {"./pkg"}, {"-timeout"}} {
		if _, _, err := splitGoTestFlags(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// fakeRun is one run of a fake test binary at one GOMAXPROCS.
type fakeRun struct {
	out       string
	wall, cpu time.Duration
	blocks    string
}

// fakeRunner runs no process: each level gives fixed output, times and
// block profile, and the runs are logged.
type fakeRunner struct {
	bins  []testBinary
	level func(pkg string, n int) fakeRun
	log   []string
}

func (f *fakeRunner) build(pkgs, buildFlags []string) ([]testBinary, error) {
	return f.bins, nil
}

func (f *fakeRunner) run(b testBinary, args []string) (runResult, error) {
	i := slices.Index(args, "-test.bench")
	if args[i+1] == "^$" { // the start-and-exit baseline
		f.log = append(f.log, b.pkg+" base")
		return runResult{wall: 10 * time.Millisecond, cpu: 10 * time.Millisecond}, nil
	}
	var n int
	fmt.Sscan(args[slices.Index(args, "-test.cpu")+1], &n)
	f.log = append(f.log, fmt.Sprintf("%s %d", b.pkg, n))
	r := f.level(b.pkg, n)
	return runResult{out: []byte(r.out), wall: r.wall + 10*time.Millisecond, cpu: r.cpu + 10*time.Millisecond, blocks: []byte(r.blocks)}, nil
}

// benchLine is a go test -bench result line at GOMAXPROCS n.
func benchLine(name string, n int, nsPerOp float64) string {
	if n > 1 {
		name += fmt.Sprintf("-%d", n)
	}
	return fmt.Sprintf("%s \t 1000\t %g ns/op\n", name, nsPerOp)
}

// TestScaleEvidenceSerial: a benchmark that keeps one processor busy
// whatever GOMAXPROCS is shown with its CPU use, and the verdict says it
// runs serially rather than blaming contention.
func TestScaleEvidenceSerial(t *testing.T) {
	f := &fakeRunner{bins: []testBinary{{pkg: "example.com/s"}}, level: func(pkg string, n int) fakeRun {
		ns := 100 + float64(n%2) // flat
		return fakeRun{out: "pkg: example.com/s\n" + benchLine("BenchmarkSerial", n, ns), wall: time.Second, cpu: time.Second}
	}}
	var stdout, stderr bytes.Buffer
	if err := runScaleWith([]string{"scale", "-cpu", "1,2,4", "-count", "3", "-out", ""}[1:], testEnv("", &stdout, &stderr, nil), f); err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	for _, want := range []string{
		"CPU busy", "evidence N=2: CPU busy 50% of 2 processors, 0% of goroutine time blocked\n",
		"evidence N=1: CPU busy 100% of 1 processor", "runs serially", "Evidence is per test process",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, ", GC ") {
		t.Errorf("GC share printed though not measured:\n%s", out)
	}
	// Three baselines, then rounds that start at the r-th level.
	want := "base base base 1 2 4 2 4 1 4 1 2"
	var got []string
	for _, l := range f.log {
		got = append(got, strings.TrimPrefix(l, "example.com/s "))
	}
	if strings.Join(got, " ") != want {
		t.Errorf("runs %q, want %q", got, want)
	}
}

// TestScaleEvidenceBlocked: time blocked in the benchmark's mutex is named
// with its line in the evidence and the verdict, and a package of several
// benchmarks says the evidence is shared.
func TestScaleEvidenceBlocked(t *testing.T) {
	f := &fakeRunner{bins: []testBinary{{pkg: "example.com/p"}}, level: func(pkg string, n int) fakeRun {
		out := "pkg: example.com/p\n" + benchLine("BenchmarkX", n, 100) + benchLine("BenchmarkY", n, 100)
		r := fakeRun{out: out, wall: time.Second, cpu: time.Duration(n) * 900 * time.Millisecond}
		if n > 1 {
			// 0.6s of 2 goroutine-seconds: 30% blocked.
			r.blocks = strings.Replace(blockTraces, "      30ms", "    600ms", 1)
			r.blocks = strings.Replace(r.blocks, "      10ms", "       0s", 1)
		}
		return r
	}}
	var stdout, stderr bytes.Buffer
	if err := runScaleWith([]string{"-cpu", "1,2", "-count", "3", "-out", ""}, testEnv("", &stdout, &stderr, nil), f); err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	for _, want := range []string{
		"evidence N=2: CPU busy 90% of 2 processors, 30% of goroutine time blocked (30% sync.(*Mutex).Lock from bench_test.go:14)",
		"Evidence: at N=2, 30% of goroutine time was blocked, most in sync.(*Mutex).Lock from bench_test.go:14 (30%).",
		"caveat: the evidence covers all 2 benchmarks of its package",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}
