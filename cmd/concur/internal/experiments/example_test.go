package experiments_test

import (
	"context"
	"fmt"

	"github.com/concurkit/concur/cmd/concur/internal/experiments"
)

// The lab lists the experiments by name; each states the claim it tests.
func ExampleAll() {
	for _, e := range experiments.All() {
		fmt.Println(e.Name, "-", e.Short)
	}
	// Output:
	// exp/create - processes vs OS threads vs goroutines: time to create, memory per unit
	// exp/switch - context switch: goroutines vs OS threads vs processes
	// exp/amdahl-gustafson - Amdahl vs Gustafson: strong and weak scaling of one kernel
	// exp/false-sharing - false sharing: adjacent vs padded counters vs one shared atomic
	// exp/message-size - sharing memory vs message passing, by message size
}

// Running an experiment gives plain series, every repetition's value at
// each N, and the verdict judges the claim from them. The timings are the
// machine's, so this example prints only their shape.
func ExampleExperiment() {
	e := experiments.All()[3] // false sharing
	r, err := e.Run(context.Background(), experiments.Config{Reps: 3, Size: 0.01})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range r.Series {
		fmt.Printf("%s, %s by %s: %d repetitions at each N\n", s.Name, s.Unit, s.NMeaning, len(s.Points[0].Values))
	}
	v := e.Verdict(r)
	fmt.Println("verdict given:", v.Text != "")
	// Output:
	// padded counters, increments/s by goroutines: 3 repetitions at each N
	// adjacent counters, increments/s by goroutines: 3 repetitions at each N
	// one shared counter, increments/s by goroutines: 3 repetitions at each N
	// verdict given: true
}

func ExampleFormat() {
	fmt.Println(experiments.Format("s/unit", 0.0000018))
	fmt.Println(experiments.Format("bytes/unit", 2880))
	fmt.Println(experiments.Format("increments/s", 1.2e8))
	fmt.Println(experiments.Format("bytes/s", 1.5*(1<<30)))
	// Output:
	// 1.80µs
	// 2.81 KiB
	// 120M/s
	// 1.50 GiB/s
}
