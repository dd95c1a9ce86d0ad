package lab

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestBuiltin runs every workload briefly: each must do work, pass its own
// consistency check (no lost updates) and end near its deadline.
func TestBuiltin(t *testing.T) {
	for _, w := range Builtin() {
		t.Run(w.Name, func(t *testing.T) {
			for _, n := range []int{1, 4} {
				t0 := time.Now()
				units, err := w.Run(n, t0.Add(5*time.Millisecond))
				el := time.Since(t0)
				if err != nil {
					t.Fatalf("N=%d: %v", n, err)
				}
				if units <= 0 || el < 5*time.Millisecond {
					t.Errorf("N=%d: %d units in %v", n, units, el)
				}
			}
		})
	}
}

// TestDeadlineManyGoroutines: with far more goroutines than processors the
// run still ends soon after its deadline, because every worker watches the
// deadline itself (a stopping goroutine used to starve behind N workers).
func TestDeadlineManyGoroutines(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for _, w := range Builtin() {
		t0 := time.Now()
		if _, err := w.Run(2000, t0.Add(20*time.Millisecond)); err != nil {
			t.Fatalf("%s: %v", w.Name, err)
		}
		// Each of the 2000 goroutines does at most one unit after the
		// deadline; a few seconds is a generous bound under -race.
		if el := time.Since(t0); el > 5*time.Second {
			t.Errorf("%s: 2000 goroutines ran %v past a 20ms deadline", w.Name, el)
		}
	}
}

// TestMeasureInterleaves checks the method: warm-up, every level repeated,
// levels visited in a different order in different rounds, evidence per
// level, and GOMAXPROCS restored.
func TestMeasureInterleaves(t *testing.T) {
	var order []int
	w := Workload{Name: "probe", Unit: "ops/s", Run: func(n int, deadline time.Time) (int64, error) {
		order = append(order, n)
		for time.Now().Before(deadline) {
		}
		return int64(n), nil
	}}
	before := runtime.GOMAXPROCS(0)
	cfg := Config{Levels: []int{1, 2, 4, 8}, Cores: 2, Run: time.Millisecond, Reps: 4}
	steps := 0
	cfg.Step = func(string) { steps++ }
	ss, err := w.Measure(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Errorf("GOMAXPROCS %d after, was %d", got, before)
	}
	if steps != cfg.Runs() || len(order) != cfg.Runs() {
		t.Errorf("%d steps, %d runs, want %d", steps, len(order), cfg.Runs())
	}
	if order[0] != 2 {
		t.Errorf("warm-up at N=%d, want the largest level with a processor each (2)", order[0])
	}
	rounds := order[1 : 1+len(cfg.Levels)*cfg.Reps]
	ascending := 0
	for r := 0; r < cfg.Reps; r++ {
		round := rounds[r*4 : r*4+4]
		if round[0] == 1 && round[1] == 2 && round[2] == 4 && round[3] == 8 {
			ascending++
		}
	}
	if ascending == cfg.Reps {
		t.Errorf("every round visited the levels in ascending order: %v", rounds)
	}
	s := ss[0]
	for i, smp := range s.Samples {
		if len(smp.X) != cfg.Reps {
			t.Errorf("N=%g: %d repetitions, want %d", smp.N, len(smp.X), cfg.Reps)
		}
		if want := float64(min(int(smp.N), 2)); smp.Procs != want {
			t.Errorf("N=%g: procs %g, want %g", smp.N, smp.Procs, want)
		}
		if s.Evidence[i].N != int(smp.N) || s.Evidence[i].CPUUtil <= 0 {
			t.Errorf("evidence %v for N=%g", s.Evidence[i], smp.N)
		}
	}
}

// TestNoWork: a run that does nothing is an error, not a throughput of 0.
func TestNoWork(t *testing.T) {
	w := Workload{Name: "idle", Run: func(int, time.Time) (int64, error) { return 0, nil }}
	_, err := w.Measure(Config{Levels: []int{1, 2}, Cores: 2, Run: time.Millisecond, Reps: 3})
	if !errors.Is(err, ErrNoWork) {
		t.Errorf("err %v, want ErrNoWork", err)
	}
}

// TestEvidenceBlocking: goroutines queued on one syncx.Mutex show up as
// blocked time at the site of the Lock call.
func TestEvidenceBlocking(t *testing.T) {
	ev, err := evidenceRun(lettersLockPerUpdate, 8, 2, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v", ev)
	if ev.N != 8 || ev.Procs != 2 {
		t.Errorf("evidence for N=%d procs=%d", ev.N, ev.Procs)
	}
	if len(ev.Sites) == 0 || !strings.Contains(ev.Sites[0].Where, "syncx.(*Mutex).Lock from builtin.go:") {
		t.Errorf("top site %v, want syncx.(*Mutex).Lock from builtin.go", ev.Sites)
	}
}

func TestSite(t *testing.T) {
	stack := strings.Join([]string{
		"runtime.gopark\t/go/src/runtime/proc.go:435",
		"runtime.chanrecv\t/go/src/runtime/chan.go:664",
		"github.com/concurkit/concur/syncx.(*Mutex).lockSlow\t/m/syncx/mutex.go:120",
		"github.com/concurkit/concur/syncx.(*Mutex).Lock\t/m/syncx/mutex.go:80",
		"github.com/concurkit/concur/cmd/concur/internal/lab.lettersLockPerUpdate.func1.1\t/m/cmd/concur/internal/lab/builtin.go:157",
	}, "\n")
	if got, ok := site(stack); !ok || got != "syncx.(*Mutex).Lock from builtin.go:157" {
		t.Errorf("site = %q, %v", got, ok)
	}
	ch := "runtime.gopark\t/go/src/runtime/proc.go:435\nruntime.chanrecv2\t/go/src/runtime/chan.go:500\ngithub.com/concurkit/concur/cmd/concur/internal/lab.lettersMessages.func1\t/m/builtin.go:222"
	if got, ok := site(ch); !ok || got != "channel receive from builtin.go:222" {
		t.Errorf("site = %q, %v", got, ok)
	}
	if _, ok := site("runtime.gopark\t/p.go:1\nsync.(*WaitGroup).Wait\t/w.go:2\nmain.main\t/m.go:3"); ok {
		t.Error("the measuring goroutine's wait for the workers counted as the workload's")
	}
}
