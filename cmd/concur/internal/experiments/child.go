package experiments

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
)

// childEnv names the environment variable that makes the binary a child of
// an experiment; its value says which child: "spawn", "pingpong",
// "memory:goroutines:K" or "memory:threads:K".
const childEnv = "CONCUR_LAB_CHILD"

// RunChildIfAsked returns at once unless the process was started by an
// experiment as its child; then it does the child's part and exits the
// process. Call it first thing in main, and in TestMain of tests that run
// the process variants.
func RunChildIfAsked() {
	role, ok := os.LookupEnv(childEnv)
	if !ok {
		return
	}
	if err := child(role, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "concur lab child %q: %v\n", role, err)
		os.Exit(2)
	}
	os.Exit(0)
}

func child(role string, in io.Reader, out io.Writer) error {
	switch kind, k, _ := strings.Cut(role, ":"); kind {
	case "spawn":
		// The trivial work of a unit: say who it is.
		_, err := fmt.Fprintf(out, "pid=%d\n", os.Getpid())
		return err
	case "pingpong":
		if _, err := fmt.Fprintf(out, "pid=%d\n", os.Getpid()); err != nil {
			return err
		}
		return echo(in, out)
	case "memory":
		what, n, _ := strings.Cut(k, ":")
		count, err := strconv.Atoi(n)
		if err != nil || count < 1 || (what != "goroutines" && what != "threads") {
			return fmt.Errorf("bad memory child %q", k)
		}
		m := measureMemory(what == "threads", count)
		_, err = fmt.Fprintln(out, m.encode())
		return err
	}
	return fmt.Errorf("unknown role")
}

// echo answers every byte read with that byte plus one until EOF, so the
// parent can check that each reply came from this side.
func echo(in io.Reader, out io.Writer) error {
	var b [1]byte
	for {
		if _, err := io.ReadFull(in, b[:]); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		b[0]++
		if _, err := out.Write(b[:]); err != nil {
			return err
		}
	}
}

// memoryReport is what a memory child measured about itself.
type memoryReport struct {
	PID          int
	Units        int     // units alive when the after values were read
	RSSBefore    float64 // bytes, resident set size before starting them
	RSSAfter     float64
	StacksBefore float64 // bytes, runtime/metrics /memory/classes/heap/stacks:bytes
	StacksAfter  float64
	Threads      int // distinct kernel threads the units ran on (0: not known on this system)
}

func (m memoryReport) encode() string {
	return fmt.Sprintf("pid=%d units=%d rss=%g,%g stacks=%g,%g threads=%d",
		m.PID, m.Units, m.RSSBefore, m.RSSAfter, m.StacksBefore, m.StacksAfter, m.Threads)
}

func decodeMemory(line string) (memoryReport, error) {
	var m memoryReport
	_, err := fmt.Sscanf(strings.TrimSpace(line), "pid=%d units=%d rss=%g,%g stacks=%g,%g threads=%d",
		&m.PID, &m.Units, &m.RSSBefore, &m.RSSAfter, &m.StacksBefore, &m.StacksAfter, &m.Threads)
	return m, err
}

const stacksMetric = "/memory/classes/heap/stacks:bytes"

func stackBytes() float64 {
	s := []metrics.Sample{{Name: stacksMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return float64(s[0].Value.Uint64())
}

// measureMemory starts count goroutines (locked to their own OS threads when
// threads is set) that stay alive until their memory has been read, in a
// fresh process, so that nothing reused from an earlier round hides it.
func measureMemory(threads bool, count int) memoryReport {
	m := memoryReport{PID: os.Getpid(), Units: count}
	m.RSSBefore, _ = selfRSS()
	m.StacksBefore = stackBytes()
	var started, done sync.WaitGroup
	release := make(chan struct{})
	tids := make([]int, count)
	for i := range count {
		started.Add(1)
		done.Go(func() {
			if threads {
				// Never unlocked: the runtime gives this goroutine its own
				// thread and ends that thread when the goroutine exits.
				runtime.LockOSThread()
				tids[i] = threadID()
			}
			started.Done()
			<-release
		})
	}
	started.Wait()
	m.RSSAfter, _ = selfRSS()
	m.StacksAfter = stackBytes()
	m.Threads = distinct(tids)
	close(release)
	done.Wait()
	return m
}

// childCmd returns the command that runs exe as the child role.
func childCmd(exe, role string) *exec.Cmd {
	cmd := exec.Command(exe)
	// A binary built with -race (the tests under go test -race) sleeps a
	// second at exit unless told not to; a child's exit is part of what
	// some experiments time.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(os.Environ(), childEnv+"="+role, "GORACE="+gorace)
	return cmd
}

// readPID reads the "pid=N" line a child writes first.
func readPID(r *bufio.Reader) (int, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("child said nothing: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(line), "pid="))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("child said %q, want pid=N", line)
	}
	return pid, nil
}

// distinct counts the distinct non-zero ids.
func distinct(ids []int) int {
	seen := map[int]bool{}
	for _, id := range ids {
		if id != 0 {
			seen[id] = true
		}
	}
	return len(seen)
}
