package main

import (
	"bufio"
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/concurkit/concur/cmd/concur/internal/lab"
)

// scaleBlockRate is the -test.blockprofilerate concur scale passes: every
// blocking event of 10µs or more is recorded and shorter ones are sampled
// in proportion (the runtime scales them back up). Recording costs only on
// the blocking path, which is already slow, so the benchmark's timing is
// barely touched; it is the rate the lab uses too.
const scaleBlockRate = 10_000 // ns

// traceFrame is one line of a stack in go tool pprof -traces -lines output.
type traceFrame struct{ fn, pos string }

// parseBlockTraces reads `go tool pprof -traces -lines` output of a block
// profile and returns the time blocked per site, where a site is the
// blocking call and the benchmark's line that made it. Waits of the testing
// harness itself (the goroutine that starts a benchmark and waits for it,
// RunParallel waiting for its workers) and of the runtime alone are not
// the benchmark's and are left out.
func parseBlockTraces(out []byte) map[string]time.Duration {
	sites := map[string]time.Duration{}
	var d time.Duration
	var stack []traceFrame
	flush := func() {
		if where, ok := blockSite(stack); ok && d > 0 {
			sites[where] += d
		}
		stack, d = nil, 0
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "-----") {
			flush()
			continue
		}
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(line, " ") {
			continue // the header (File:, Type:, …)
		}
		if len(stack) == 0 && d == 0 {
			v, err := time.ParseDuration(f[0])
			if err != nil {
				continue
			}
			d, f = v, f[1:]
		}
		if k := len(f); k > 0 && f[k-1] == "(inline)" {
			f = f[:k-1]
		}
		if len(f) == 0 {
			continue
		}
		fr := traceFrame{fn: f[0]}
		if len(f) > 1 {
			fr.pos = f[len(f)-1]
		}
		stack = append(stack, fr)
	}
	flush()
	return sites
}

// blockSite names the blocking call of a stack (innermost first) and the
// caller outside the waiting packages, e.g. "sync.(*Mutex).Lock from
// bench_test.go:12"; false for the harness's and runtime's own waits.
func blockSite(stack []traceFrame) (string, bool) {
	if len(stack) == 0 {
		return "", false
	}
	j := 0
	for j+1 < len(stack) && lab.InWaitPackage(stack[j+1].fn) {
		j++
	}
	if j+1 >= len(stack) {
		return "", false // the runtime's own (GC workers, timers)
	}
	caller := stack[j+1]
	if p := lab.FuncPackage(caller.fn); p == "testing" || p == "main" {
		return "", false
	}
	where := lab.WaitName(stack[j].fn)
	if caller.pos != "" {
		where += " from " + filepath.Base(caller.pos)
	}
	return where, true
}

// topSites returns the three sites with the most time blocked, as shares of
// total goroutine time, largest first.
func topSites(sites map[string]time.Duration, total time.Duration) []lab.Site {
	var out []lab.Site
	for w, d := range sites {
		out = append(out, lab.Site{Where: w, Share: min(1, float64(d)/float64(total))})
	}
	slices.SortFunc(out, func(a, b lab.Site) int {
		if a.Share != b.Share {
			if a.Share > b.Share {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Where, b.Where)
	})
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}
