package main

import (
	"os"
	"strings"
	"testing"
)

// TestMain lets the test binary serve as the worker processes that run
// re-executes.
func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" {
		if err := worker(os.Stdout); err != nil {
			os.Stderr.WriteString("worker: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRun runs the example small: the crashed worker's permit comes back,
// its replacement completes the phases, and the service never sees more
// calls at once than the permits.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts etcd and worker processes")
	}
	var out strings.Builder
	err := run([]string{"-workers=3", "-permits=2", "-calls=2", "-phases=2", "-ttl=3"}, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"worker 1 killed while holding a permit",
		"worker 1's permit came back",
		"starting a replacement for worker 1",
		"phase 1 done by all",
		"phase 2 done by all",
		"service: 12 calls, at most 2 at once (limit 2)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
