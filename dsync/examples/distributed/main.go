// Command distributed shows dsync coordinating separate processes: it
// starts an embedded etcd and a rate-limited HTTP service, then runs several
// worker processes (itself, re-executed) that share a dsync.Semaphore
// limiting concurrent calls to the service and meet at a dsync.Barrier
// between phases. One worker crashes while it holds a permit: the output
// shows the permit coming back when its lease expires, and a replacement
// worker taking its place at the barrier.
//
//	go run ./examples/distributed            (from the dsync directory)
//	go run ./examples/distributed -workers 6 -permits 3
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/concurkit/concur/dsync/dsynctest"
	clientv3 "go.etcd.io/etcd/client/v3"
)

func main() {
	if os.Getenv(workerEnv) != "" {
		if err := worker(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "distributed:", err)
		os.Exit(1)
	}
}

// Worker settings travel in the environment of the re-executed process.
const (
	workerEnv    = "DSYNC_EXAMPLE_WORKER" // the worker's index
	endpointsEnv = "DSYNC_EXAMPLE_ENDPOINTS"
	urlEnv       = "DSYNC_EXAMPLE_URL"
	settingsEnv  = "DSYNC_EXAMPLE_SETTINGS" // workers permits calls phases ttl
	crashEnv     = "DSYNC_EXAMPLE_CRASH"    // set: hang after the first acquire, to be killed
)

type settings struct {
	workers, permits, calls, phases, ttl int
}

func (s settings) encode() string {
	return fmt.Sprintf("%d %d %d %d %d", s.workers, s.permits, s.calls, s.phases, s.ttl)
}

func decodeSettings(v string) (settings, error) {
	var s settings
	_, err := fmt.Sscan(v, &s.workers, &s.permits, &s.calls, &s.phases, &s.ttl)
	return s, err
}

// run is the coordinator: etcd, the service, the workers, the crash.
func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("distributed", flag.ContinueOnError)
	var st settings
	fs.IntVar(&st.workers, "workers", 4, "worker processes")
	fs.IntVar(&st.permits, "permits", 2, "concurrent calls allowed to the service, across all workers")
	fs.IntVar(&st.calls, "calls", 4, "calls per worker per phase")
	fs.IntVar(&st.phases, "phases", 2, "phases, separated by a barrier")
	fs.IntVar(&st.ttl, "ttl", 2, "session TTL in seconds: how soon a crashed worker's permits come back")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if st.workers < 2 || st.permits < 1 || st.calls < 1 || st.phases < 1 || st.ttl < 1 {
		return fmt.Errorf("need workers >= 2 and permits, calls, phases, ttl >= 1")
	}
	etcd, err := dsynctest.Start(1)
	if err != nil {
		return err
	}
	defer etcd.Close()
	api := newService()
	defer api.Close()
	fmt.Fprintf(out, "etcd at %s; service at %s; %d workers share %d permits\n", etcd.Endpoints()[0], api.URL, st.workers, st.permits)

	cli, err := etcd.Client()
	if err != nil {
		return err
	}
	c := &coordinator{out: out, st: st, env: []string{
		endpointsEnv + "=" + strings.Join(etcd.Endpoints(), ","),
		urlEnv + "=" + api.URL,
		settingsEnv + "=" + st.encode(),
	}, cli: cli, done: make(chan error, 2*st.workers)}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	c.exe = exe
	// Worker 1 crashes while it holds a permit.
	for i := range st.workers {
		if err := c.start(i, i == 1); err != nil {
			return err
		}
	}
	for range st.workers {
		if err := <-c.done; err != nil {
			return err
		}
	}
	calls, most := api.stats()
	fmt.Fprintf(out, "service: %d calls, at most %d at once (limit %d)\n", calls, most, st.permits)
	if most > int64(st.permits) {
		return fmt.Errorf("the semaphore let %d calls in at once", most)
	}
	return nil
}

type coordinator struct {
	out  io.Writer
	mu   sync.Mutex // serialises output lines
	st   settings
	env  []string
	exe  string
	cli  *clientv3.Client
	done chan error
}

func (c *coordinator) say(format string, a ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, format+"\n", a...)
}

// start runs worker i and relays its output; a crashing worker is killed
// once it reports holding a permit, and replaced.
func (c *coordinator) start(i int, crash bool) error {
	cmd := exec.Command(c.exe)
	cmd.Env = append(os.Environ(), c.env...)
	cmd.Env = append(cmd.Env, workerEnv+"="+strconv.Itoa(i))
	if crash {
		cmd.Env = append(cmd.Env, crashEnv+"=1")
	}
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() {
		var lease int64
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "lease "); ok {
				lease, _ = strconv.ParseInt(v, 16, 64)
				continue
			}
			c.say("worker %d: %s", i, line)
			if crash && strings.HasPrefix(line, "holding") {
				c.crash(i, cmd, lease)
				return
			}
		}
		c.done <- cmd.Wait()
	}()
	return nil
}

// crash kills worker i, reports when its lease (and so its permit) is gone,
// and starts a replacement.
func (c *coordinator) crash(i int, cmd *exec.Cmd, lease int64) {
	cmd.Process.Kill()
	cmd.Wait()
	killed := time.Now()
	c.say("worker %d killed while holding a permit (session TTL %ds)", i, c.st.ttl)
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(10*c.st.ttl)*time.Second)
	defer cancel()
	for {
		resp, err := c.cli.TimeToLive(ctx, clientv3.LeaseID(lease))
		if err != nil {
			c.done <- err
			return
		}
		if resp.TTL < 0 {
			break
		}
		select {
		case <-ctx.Done():
			c.done <- fmt.Errorf("worker %d's lease did not expire", i)
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
	c.say("worker %d's permit came back %.1fs after the crash, with its expired lease", i, time.Since(killed).Seconds())
	c.say("starting a replacement for worker %d", i)
	if err := c.start(i, false); err != nil {
		c.done <- err
	}
}
