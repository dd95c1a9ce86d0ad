package experiments

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// Names of the series of the context-switch experiment.
const (
	switchGoroutines1 = "goroutines, GOMAXPROCS=1"
	switchGoroutines  = "goroutines"
	switchThreads     = "OS threads"
	switchProcesses   = "processes"
)

func contextSwitch() Experiment {
	return Experiment{
		Name:  "exp/switch",
		Short: "context switch: goroutines vs OS threads vs processes",
		Title: "ping-pong of a token between two units: goroutines over an unbuffered channel (on one processor and on all), " +
			"two goroutines locked to their own OS threads passing a byte over a pair of blocking pipes, and two processes doing the same; time per switch",
		Hypothesis: "Switching between user-level threads (goroutines, switched by the Go scheduler without entering the kernel) " +
			"is much cheaper than switching between kernel threads, and a switch between processes, which also changes address space, costs more still.",
		Run:     runSwitch,
		Verdict: switchVerdict,
	}
}

func runSwitch(ctx context.Context, cfg Config) (Result, error) {
	exe, err := cfg.exe()
	if err != nil {
		return Result{}, err
	}
	r := Result{Experiment: "exp/switch", Cores: runtime.NumCPU(), Derived: map[string]float64{}}
	rg, rt := cfg.scaled(100000, 50), cfg.scaled(5000, 10)
	procs := runtime.GOMAXPROCS(0)
	type variant struct {
		name   string
		procs  int
		rounds int
		run    func(rounds int) (float64, error)
	}
	vs := []variant{
		{switchGoroutines1, 1, rg, pingPong},
		{switchGoroutines, procs, rg, pingPong},
		{switchThreads, procs, rt, threadPingPong},
		{switchProcesses, procs, rt, func(n int) (float64, error) {
			sec, pid, err := pipePingPong(exe, n)
			if err == nil && pid != os.Getpid() {
				r.Derived["child pid"] = float64(pid)
			}
			return sec, err
		}},
	}
	for _, v := range vs {
		p := Point{N: 2, Procs: v.procs}
		for range cfg.reps() {
			if err := ctx.Err(); err != nil {
				return r, err
			}
			var sec float64
			err := withProcs(v.procs, func() (err error) { sec, err = v.run(v.rounds); return err })
			if err != nil {
				return r, fmt.Errorf("%s: %w", v.name, err)
			}
			p.Values = append(p.Values, sec)
		}
		r.Series = append(r.Series, Series{Name: v.name, Unit: "s/switch", NMeaning: "units", Points: []Point{p}})
	}
	r.Facts = append(r.Facts, fmt.Sprintf("%d round trips per run for goroutines, %d for threads and processes; the token came back incremented by each side every time; the process partner was a separate process (pid %d, this one %d)",
		rg, rt, int(r.Derived["child pid"]), os.Getpid()))
	return r, nil
}

// pingPong passes a token between two goroutines over unbuffered channels
// for rounds round trips, each side adding one. It returns the time per
// switch, two per round trip.
func pingPong(rounds int) (float64, error) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	t0 := time.Now()
	for range rounds {
		ping <- v
		v = <-pong + 1
	}
	el := time.Since(t0)
	close(ping)
	<-pong // the partner has stopped
	if v != 2*rounds {
		return 0, fmt.Errorf("token is %d after %d round trips, want %d", v, rounds, 2*rounds)
	}
	return el.Seconds() / float64(2*rounds), nil
}

// blockingPipe returns a pipe whose ends are in blocking mode (File.Fd
// puts them there): reads and writes are plain system calls that put the
// thread to sleep, not waits in the runtime's network poller.
func blockingPipe() (r, w *os.File, err error) {
	r, w, err = os.Pipe()
	if err == nil {
		r.Fd()
		w.Fd()
	}
	return r, w, err
}

// pingRounds sends a byte on w and reads the partner's answer on r, rounds
// times, on a thread of its own; the partner must answer each byte with
// that byte plus one (see echo). It returns the time per switch, two per
// round trip.
func pingRounds(w io.Writer, r io.Reader, rounds int) (float64, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var b, reply [1]byte
	t0 := time.Now()
	for i := range rounds {
		if _, err := w.Write(b[:]); err != nil {
			return 0, err
		}
		if _, err := io.ReadFull(r, reply[:]); err != nil {
			return 0, err
		}
		if reply[0] != b[0]+1 {
			return 0, fmt.Errorf("round %d: partner answered %d to %d", i, reply[0], b[0])
		}
		b[0] = reply[0] + 1
	}
	return time.Since(t0).Seconds() / float64(2*rounds), nil
}

// threadPingPong passes a byte between two goroutines locked to their own
// OS threads over two blocking pipes, so that every hand-off is the kernel
// waking a sleeping thread of this process. It returns the time per switch.
func threadPingPong(rounds int) (float64, error) {
	fromPartner, partnerOut, err := blockingPipe()
	if err != nil {
		return 0, err
	}
	defer fromPartner.Close()
	partnerIn, toPartner, err := blockingPipe()
	if err != nil {
		partnerOut.Close()
		return 0, err
	}
	echoed := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		err := echo(partnerIn, partnerOut)
		partnerIn.Close()
		partnerOut.Close()
		echoed <- err
	}()
	sec, err := pingRounds(toPartner, fromPartner, rounds)
	toPartner.Close() // EOF ends the partner
	if perr := <-echoed; err == nil {
		err = perr
	}
	return sec, err
}

// pipePingPong passes a byte between this process and a child over two
// blocking pipes, as threadPingPong does between two threads. It returns
// the time per switch and the child's pid.
func pipePingPong(exe string, rounds int) (sec float64, pid int, err error) {
	fromChild, childOut, err := blockingPipe()
	if err != nil {
		return 0, 0, err
	}
	defer fromChild.Close()
	childIn, toChild, err := blockingPipe()
	if err != nil {
		childOut.Close()
		return 0, 0, err
	}
	defer toChild.Close()
	cmd := childCmd(exe, "pingpong")
	cmd.Stdin, cmd.Stdout = childIn, childOut
	err = cmd.Start()
	childIn.Close()
	childOut.Close()
	if err != nil {
		return 0, 0, fmt.Errorf("starting the child: %w", err)
	}
	defer func() {
		toChild.Close() // EOF ends the child
		if werr := cmd.Wait(); werr != nil && err == nil {
			err = fmt.Errorf("child: %w", werr)
		}
	}()
	// The child writes nothing after its pid line until it reads a byte,
	// so the buffered reader holds nothing that the raw reads below need.
	pid, err = readPID(bufio.NewReader(fromChild))
	if err != nil {
		return 0, 0, err
	}
	if pid != cmd.Process.Pid || pid == os.Getpid() {
		return 0, pid, fmt.Errorf("partner reported pid %d, started as %d", pid, cmd.Process.Pid)
	}
	sec, err = pingRounds(toChild, fromChild, rounds)
	return sec, pid, err
}

func switchVerdict(r Result) Verdict {
	g1, g, t, p := r.SeriesNamed(switchGoroutines1), r.SeriesNamed(switchGoroutines), r.SeriesNamed(switchThreads), r.SeriesNamed(switchProcesses)
	if g1 == nil || g == nil || t == nil || p == nil {
		return Verdict{Outcome: Inconclusive, Text: "the run measured too little to judge"}
	}
	tg := compare("threads", t.Points[0], "goroutines(1P)", g1.Points[0])
	pt := compare(switchProcesses, p.Points[0], "threads", t.Points[0])
	gg := compare("goroutines", g.Points[0], "goroutines(1P)", g1.Points[0])
	v := Verdict{Ratios: []Ratio{tg, pt, gg}}
	var b strings.Builder
	fmt.Fprintf(&b, "one switch took %s between goroutines on one processor, %s between goroutines on %d, %s between OS threads and %s between processes (median, min–max): ",
		spreadText(g1.Points[0], Seconds), spreadText(g.Points[0], Seconds), g.Points[0].Procs, spreadText(t.Points[0], Seconds), spreadText(p.Points[0], Seconds))
	fmt.Fprintf(&b, "threads cost %s goroutines, processes %s threads", tg.Range(), pt.Range())
	userCheaper := tg.Distinct && tg.Median > 1
	procDearer := pt.Distinct && pt.Median > 1
	switch {
	case userCheaper && procDearer:
		v.Outcome = Supported
		b.WriteString(". Supported: goroutine < thread < process beyond the spread")
	case userCheaper:
		v.Outcome = Partly
		b.WriteString(". Partly: a goroutine switch is much cheaper than a thread switch, but a process switch is not dearer than a thread switch beyond the spread here. A likely reason, which this experiment does not measure: both are the kernel waking a sleeping thread, and on a CPU that tags its TLB entries by address space (PCID) changing address space is cheap")
	case tg.Distinct && tg.Median < 1:
		v.Outcome = Contradicted
		b.WriteString(". Contradicted: goroutines switched more slowly than threads")
	default:
		v.Outcome = Inconclusive
		b.WriteString(". Inconclusive: the repetitions overlap")
	}
	if gg.Median > 1.5 {
		fmt.Fprintf(&b, ". On more than one processor a goroutine hand-off costs %s the one-processor switch: the woken goroutine may run on another processor, which then has to be woken", ratioText(gg.Median))
	}
	b.WriteString(".")
	v.Text = b.String()
	return v
}
