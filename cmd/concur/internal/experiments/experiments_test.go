package experiments

import (
	"context"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"
)

// tiny runs every experiment well under a second.
var tiny = Config{Reps: 2, Size: 0.001}

func run(t *testing.T, e Experiment) Result {
	t.Helper()
	r, err := e.Run(context.Background(), tiny)
	if err != nil {
		t.Fatalf("%s: %v", e.Name, err)
	}
	if r.Experiment != e.Name || r.Cores != runtime.NumCPU() {
		t.Errorf("result names %q with %d cores", r.Experiment, r.Cores)
	}
	for _, s := range r.Series {
		if s.Name == "" || s.Unit == "" || s.NMeaning == "" || len(s.Points) == 0 {
			t.Errorf("series %+v is not self-explanatory", s)
		}
		for _, p := range s.Points {
			if len(p.Values) != tiny.Reps || p.Procs < 1 || p.N <= 0 {
				t.Errorf("%s: point %+v, want %d values, processors and N", s.Name, p, tiny.Reps)
			}
			for _, v := range p.Values {
				if !(v >= 0) {
					t.Errorf("%s: value %g", s.Name, v)
				}
			}
		}
	}
	v := e.Verdict(r)
	if v.Text == "" || v.Outcome.String() == "unknown" {
		t.Errorf("%s: verdict %+v", e.Name, v)
	}
	return r
}

func TestExperimentsAreDescribed(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range All() {
		if !strings.HasPrefix(e.Name, "exp/") || seen[e.Name] {
			t.Errorf("name %q not unique or not under exp/", e.Name)
		}
		seen[e.Name] = true
		if e.Title == "" || e.Hypothesis == "" || e.Run == nil || e.Verdict == nil {
			t.Errorf("%s is incomplete", e.Name)
		}
	}
	if len(seen) != 5 {
		t.Errorf("%d experiments, want 5", len(seen))
	}
}

func seriesNames(r Result) []string {
	var n []string
	for _, s := range r.Series {
		n = append(n, s.Name)
	}
	return n
}

func wantSeries(t *testing.T, r Result, names ...string) {
	t.Helper()
	for _, n := range names {
		if r.SeriesNamed(n) == nil {
			t.Errorf("no series %q in %q", n, seriesNames(r))
		}
	}
}

func TestCreate(t *testing.T) {
	r := run(t, create())
	wantSeries(t, r, seriesProcesses, seriesThreads, seriesGoroutines,
		seriesThreads+stackSuffix, seriesGoroutines+stackSuffix)
	// Two processes per repetition really started, each its own.
	if got := r.Derived[DerivedProcesses]; got != 2*float64(tiny.Reps) {
		t.Errorf("%g distinct child pids, want %d", got, 2*tiny.Reps)
	}
	if runtime.GOOS == "linux" {
		// Each of the 4 thread units per repetition ran on a thread of
		// its own, and a memory child had all 4 alive at once.
		if got := r.Derived[DerivedThreads]; got != 4*float64(tiny.Reps) {
			t.Errorf("thread units ran on %g distinct threads, want %d", got, 4*tiny.Reps)
		}
		if got := r.Derived[DerivedMemoryChildThreads]; got != 4 {
			t.Errorf("memory child's 4 locked goroutines ran on %g threads", got)
		}
		wantSeries(t, r, seriesProcesses+procMemSuffix, seriesThreads+memSuffix, seriesGoroutines+memSuffix)
		if p := r.SeriesNamed(seriesProcesses + procMemSuffix); p != nil && p.Points[0].Min() < 1<<20 {
			t.Errorf("a child process occupied %s, less than any Go program", Bytes(p.Points[0].Min()))
		}
	}
}

func TestMemoryReportRoundTrip(t *testing.T) {
	m := memoryReport{PID: 7, Units: 3, RSSBefore: 1e6, RSSAfter: 2.5e6, StacksBefore: 4096, StacksAfter: 8192, Threads: 3}
	got, err := decodeMemory(m.encode() + "\n")
	if err != nil || got != m {
		t.Errorf("decode(encode(%+v)) = %+v, %v", m, got, err)
	}
}

func TestChildRoles(t *testing.T) {
	var out strings.Builder
	if err := child("pingpong", strings.NewReader("\x00\x05\xff"), &out); err != nil {
		t.Fatal(err)
	}
	pid, rest, _ := strings.Cut(out.String(), "\n")
	if !strings.HasPrefix(pid, "pid=") || rest != "\x01\x06\x00" {
		t.Errorf("pingpong child wrote %q", out.String())
	}
	for _, role := range []string{"nonsense", "memory:fibres:3", "memory:threads:0", "memory:goroutines:x"} {
		if err := child(role, strings.NewReader(""), &out); err == nil {
			t.Errorf("child %q: no error", role)
		}
	}
}

func TestSwitch(t *testing.T) {
	r := run(t, contextSwitch())
	wantSeries(t, r, switchGoroutines1, switchGoroutines, switchThreads, switchProcesses)
	if p := r.SeriesNamed(switchGoroutines1); p.Points[0].Procs != 1 {
		t.Errorf("one-processor goroutines ran with GOMAXPROCS %d", p.Points[0].Procs)
	}
	if pid := r.Derived["child pid"]; pid <= 0 {
		t.Errorf("the process partner reported pid %g", pid)
	}
}

func TestScaling(t *testing.T) {
	r := run(t, scaling())
	wantSeries(t, r, strongTime, weakTime, StrongSpeedup, WeakSpeedup)
	if s := r.SeriesNamed(StrongSpeedup); s.Points[0].N != 1 || s.Points[0].Median() != 1 {
		t.Errorf("speed-up at N=1 is %+v, want exactly 1", s.Points[0])
	}
	for _, k := range []string{DerivedAmdahlSerial, DerivedGustafsonSerial, DerivedDesignSerial} {
		if _, ok := r.Derived[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
}

func TestKernelDoesTheWorkAskedFor(t *testing.T) {
	for _, tc := range []struct{ serial, parallel, n int }{{0, 0, 1}, {10, 101, 4}, {3, 7, 8}, {5, 1000, 3}} {
		if _, got := kernel(tc.serial, tc.parallel, tc.n); got != tc.serial+tc.parallel {
			t.Errorf("kernel(%d, %d, %d) did %d rounds", tc.serial, tc.parallel, tc.n, got)
		}
	}
}

// The fits recover the serial fraction from speed-ups that follow each law
// exactly.
func TestFitsRecoverTheLaws(t *testing.T) {
	for _, s := range []float64{0, 0.05, 0.3, 0.9} {
		var am, gu []Point
		for _, n := range []float64{1, 2, 4, 8} {
			am = append(am, Point{N: n, Values: []float64{1 / (s + (1-s)/n)}})
			gu = append(gu, Point{N: n, Values: []float64{n - s*(n-1)}})
		}
		if got := fitAmdahlSpeedups(am); abs(got-s) > 1e-9 {
			t.Errorf("Amdahl fit of s=%g gave %g", s, got)
		}
		if got := fitGustafsonSpeedups(gu); abs(got-s) > 1e-9 {
			t.Errorf("Gustafson fit of s=%g gave %g", s, got)
		}
	}
}

func abs(v float64) float64 { return max(v, -v) }

func TestFalseSharing(t *testing.T) {
	r := run(t, falseSharing())
	wantSeries(t, r, fsPadded, fsAdjacent, fsShared)
}

// The layouts are what their names say, checked on the addresses: padded
// counters never share a 128-byte block (so neither a 64-byte line nor an
// adjacent-line pair), adjacent ones are neighbours in one 64-byte line,
// and the shared one is one counter.
func TestCounterLayout(t *testing.T) {
	const n = 8
	stride := map[string]int{}
	for _, l := range counterLayouts {
		stride[l.name] = l.stride
	}
	blocks := map[uintptr]bool{}
	for _, c := range counterLayout(n, stride[fsPadded]) {
		b := addr(c) / 128
		if blocks[b] {
			t.Errorf("padded counter at %#x shares a 128-byte block", addr(c))
		}
		blocks[b] = true
	}
	adj := counterLayout(n, stride[fsAdjacent])
	for i, c := range adj {
		if addr(c)/64 != addr(adj[0])/64 {
			t.Errorf("adjacent counter %d at %#x is not in the line of the first, %#x", i, addr(c), addr(adj[0]))
		}
		if i > 0 && addr(c)-addr(adj[i-1]) != uintptr(wordBytes) {
			t.Errorf("adjacent counters %d and %d are not neighbours", i-1, i)
		}
	}
	shared := counterLayout(n, stride[fsShared])
	for _, c := range shared {
		if c != shared[0] {
			t.Error("shared layout has more than one counter")
		}
	}
	// Every layout starts on a 128-byte boundary, whatever size class its
	// buffer falls in, so no counter shares a block with other data.
	for k := 1; k <= 9; k++ {
		for _, l := range counterLayouts {
			if a := addr(counterLayout(k, l.stride)[0]); a%128 != 0 {
				t.Errorf("%s with %d counters starts at %#x", l.name, k, a)
			}
		}
	}
}

func TestMessageSize(t *testing.T) {
	r := run(t, messageSize())
	wantSeries(t, r, msgShared, msgMessages)
}

// Both ways of handing out work count every letter, also when the chunk
// size does not divide the text.
func TestMessageSizeCountsEverything(t *testing.T) {
	txt, want := text(1000)
	if countLetters(txt) != want || want == 0 || want == len(txt) {
		t.Fatalf("text has %d letters, countLetters says %d", want, countLetters(txt))
	}
	for _, size := range []int{1, 16, 64, 999, 4096} {
		for _, workers := range []int{1, 3} {
			if _, err := countShared(txt, size, workers, want); err != nil {
				t.Errorf("shared, size %d, %d workers: %v", size, workers, err)
			}
			if _, err := countMessages(context.Background(), txt, size, workers, want); err != nil {
				t.Errorf("messages, size %d, %d workers: %v", size, workers, err)
			}
		}
	}
}

func addr(c *atomic.Uint64) uintptr { return uintptr(unsafe.Pointer(c)) }
