package lab

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Evidence is where the time went at one level.
type Evidence struct {
	N, Procs int
	// CPUUtil is process CPU time over wall time × processors, the median
	// over the counted repetitions: near 1 means every processor was busy;
	// well below 1 means goroutines waited (or the machine was busy).
	CPUUtil float64
	// PerCPU holds, for each counted repetition, the units done per second
	// of process CPU time. Unlike throughput it barely depends on how much
	// of the machine other programs take, so it shows whether coordination
	// makes each unit of work cost more processor time as N grows.
	PerCPU []float64
	// Blocked is the share of goroutine time (wall time × N) spent blocked
	// in synchronisation (channels, select, sync and syncx waits) in the
	// evidence run, from the block profile; Sites are the top call sites.
	Blocked float64
	Sites   []Site
	// GCShare is the share of the process's CPU time spent in the garbage
	// collector, and SchedLatency the median time a goroutine waited to
	// run once runnable, both from runtime/metrics in the evidence run.
	GCShare      float64
	SchedLatency time.Duration
}

// Site is a place where goroutines blocked.
type Site struct {
	// Where names the blocking call and its caller, e.g.
	// "syncx.(*Mutex).Lock from builtin.go:88".
	Where string
	// Share is the share of goroutine time blocked there.
	Share float64
}

// blockRate samples blocking events of 10µs or more always, shorter ones
// in proportion (the runtime scales the sampled ones back up).
const blockRate = 10_000 // ns

var profileMu sync.Mutex // the block profile rate is process-wide

// evidenceRun runs body once with the block profile on and returns what it
// recorded (CPUUtil is left to the caller).
func evidenceRun(body Body, n, procs int, d time.Duration) (Evidence, error) {
	profileMu.Lock()
	defer profileMu.Unlock()
	runtime.SetBlockProfileRate(blockRate)
	defer runtime.SetBlockProfileRate(0)
	before := blockSnapshot()
	m0 := readMetrics()
	res, err := runOnce(body, n, procs, d)
	m1 := readMetrics()
	after := blockSnapshot()
	if err != nil {
		return Evidence{}, err
	}
	ev := Evidence{N: n, Procs: procs}
	total := res.elapsed.Seconds() * float64(n)
	bySite := map[string]float64{}
	blocked := 0.0
	for k, sec := range after {
		dsec := sec - before[k]
		if dsec <= 0 {
			continue
		}
		where, ok := site(k)
		if !ok {
			continue
		}
		blocked += dsec
		bySite[where] += dsec
	}
	ev.Blocked = min(1, blocked/total)
	for w, s := range bySite {
		ev.Sites = append(ev.Sites, Site{Where: w, Share: min(1, s/total)})
	}
	slices.SortFunc(ev.Sites, func(a, b Site) int {
		if a.Share != b.Share {
			if a.Share > b.Share {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Where, b.Where)
	})
	if len(ev.Sites) > 3 {
		ev.Sites = ev.Sites[:3]
	}
	if cpu := m1.cpu - m0.cpu; cpu > 0 {
		ev.GCShare = (m1.gc - m0.gc) / cpu
	}
	ev.SchedLatency = histMedian(m0.sched, m1.sched)
	return ev, nil
}

// blockSnapshot returns the block profile as seconds blocked per stack, the
// stack written as its frames, one per line ("func\tfile:line").
func blockSnapshot() map[string]float64 {
	var b bytes.Buffer
	if err := pprof.Lookup("block").WriteTo(&b, 1); err != nil {
		return nil
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(&b)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	cps := 0.0
	var cur []string
	var cycles float64
	flush := func() {
		if len(cur) > 0 && cps > 0 {
			out[strings.Join(cur, "\n")] += cycles / cps
		}
		cur = nil
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "cycles/second="):
			cps, _ = strconv.ParseFloat(strings.TrimPrefix(line, "cycles/second="), 64)
		case strings.HasPrefix(line, "#"):
			// "#\t0x4a5b6c\tpkg.Func+0x1c\t/path/file.go:88"
			f := strings.Fields(strings.TrimPrefix(line, "#"))
			if len(f) >= 3 {
				fn := f[1]
				if i := strings.LastIndex(fn, "+0x"); i > 0 {
					fn = fn[:i]
				}
				cur = append(cur, fn+"\t"+f[2])
			}
		case strings.Contains(line, " @ "):
			flush()
			f := strings.Fields(line)
			cycles, _ = strconv.ParseFloat(f[0], 64)
		}
	}
	flush()
	return out
}

// syncPackages are where a goroutine blocks on behalf of its caller; the
// site named is the outermost frame in them and the caller is the frame
// after it.
var syncPackages = []string{"runtime", "internal/", "sync", "github.com/concurkit/concur/syncx",
	"github.com/concurkit/concur/chans", "github.com/concurkit/concur/pool", "github.com/concurkit/concur/internal/"}

// InWaitPackage reports whether the function fn ("path/pkg.(*T).M") belongs
// to a package where goroutines block on behalf of their callers: the
// runtime, sync, and concur's own packages. The site of a wait is the
// outermost such frame, and its caller is the frame after it.
func InWaitPackage(fn string) bool {
	p := FuncPackage(fn)
	for _, s := range syncPackages {
		if p == s || strings.HasSuffix(s, "/") && strings.HasPrefix(p, s) {
			return true
		}
	}
	return false
}

// runtimeWaits names the runtime's blocking entry points as a reader knows
// them.
var runtimeWaits = map[string]string{
	"runtime.chansend":   "channel send",
	"runtime.chanrecv":   "channel receive",
	"runtime.selectgo":   "select",
	"runtime.block":      "select {}",
	"runtime.semacquire": "semaphore",
}

// site names the blocking call of a stack (innermost first) and its
// caller. It reports false for the measuring goroutine's own waits (for
// the workers, or in reading the profile), which are not the workload's.
func site(stack string) (string, bool) {
	frames := strings.Split(stack, "\n")
	fn := func(i int) string { return strings.SplitN(frames[i], "\t", 2)[0] }
	pos := func(i int) string {
		p := strings.SplitN(frames[i], "\t", 2)
		if len(p) < 2 {
			return ""
		}
		return filepath.Base(p[1])
	}
	for i := range frames {
		f := fn(i)
		if strings.HasPrefix(f, "sync.(*WaitGroup).Wait") || strings.HasSuffix(f, "lab.blockSnapshot") {
			return "", false
		}
	}
	j := 0
	for j+1 < len(frames) && InWaitPackage(fn(j+1)) {
		j++
	}
	where := WaitName(fn(j))
	if j+1 < len(frames) {
		where += " from " + pos(j+1)
	}
	return where, true
}

// WaitName names the blocking function fn as a reader knows it: the
// runtime's entry points as "channel send", "select" and the like, any other
// function by its package name and identifier.
func WaitName(fn string) string {
	where := short(fn)
	for prefix, name := range runtimeWaits {
		if strings.HasPrefix(where, prefix) {
			return name
		}
	}
	return where
}

// FuncPackage returns the import path of a function name "path/pkg.(*T).M".
func FuncPackage(fn string) string {
	slash := strings.LastIndex(fn, "/")
	dot := strings.Index(fn[slash+1:], ".")
	if dot < 0 {
		return fn
	}
	return fn[:slash+1+dot]
}

// short drops the import path before the package name.
func short(fn string) string {
	return fn[strings.LastIndex(fn, "/")+1:]
}

type metricSnap struct {
	cpu, gc float64
	sched   *metrics.Float64Histogram
}

func readMetrics() metricSnap {
	s := []metrics.Sample{
		{Name: "/cpu/classes/total:cpu-seconds"},
		{Name: "/cpu/classes/idle:cpu-seconds"},
		{Name: "/cpu/classes/gc/total:cpu-seconds"},
		{Name: "/sched/latencies:seconds"},
	}
	metrics.Read(s)
	var m metricSnap
	if s[0].Value.Kind() == metrics.KindFloat64 {
		m.cpu = s[0].Value.Float64() - s[1].Value.Float64()
		m.gc = s[2].Value.Float64()
	}
	if s[3].Value.Kind() == metrics.KindFloat64Histogram {
		h := s[3].Value.Float64Histogram()
		m.sched = &metrics.Float64Histogram{Counts: slices.Clone(h.Counts), Buckets: h.Buckets}
	}
	return m
}

// histMedian returns the median of the events recorded between two
// snapshots of a histogram of seconds.
func histMedian(a, b *metrics.Float64Histogram) time.Duration {
	if a == nil || b == nil || len(a.Counts) != len(b.Counts) {
		return 0
	}
	var total uint64
	for i := range b.Counts {
		total += b.Counts[i] - a.Counts[i]
	}
	if total == 0 {
		return 0
	}
	var seen uint64
	for i := range b.Counts {
		seen += b.Counts[i] - a.Counts[i]
		if 2*seen >= total {
			up := b.Buckets[i+1] // upper bound of the bucket
			if math.IsInf(up, 1) {
				up = b.Buckets[i]
			}
			return time.Duration(up * 1e9)
		}
	}
	return 0
}

// String is a one-line summary, for debugging.
func (e Evidence) String() string {
	return fmt.Sprintf("N=%d procs=%d cpu=%.0f%% blocked=%.0f%% gc=%.1f%% sched=%v sites=%v",
		e.N, e.Procs, 100*e.CPUUtil, 100*e.Blocked, 100*e.GCShare, e.SchedLatency, e.Sites)
}
