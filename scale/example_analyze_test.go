package scale_test

import (
	"fmt"

	"github.com/concurkit/concur/scale"
)

func ExampleAnalyze() {
	// Five repetitions at 1, 2, 4 and 8 goroutines on a machine with 4
	// cores: N=8 can use only 4 processors.
	samples := []scale.Sample{
		{N: 1, Procs: 1, X: []float64{1000, 990, 1012, 1003, 998}},
		{N: 2, Procs: 2, X: []float64{1820, 1790, 1835, 1808, 1822}},
		{N: 4, Procs: 4, X: []float64{3050, 2990, 3101, 3022, 3060}},
		{N: 8, Procs: 4, X: []float64{3010, 2950, 3080, 2990, 3030}},
	}
	a, err := scale.Analyze(samples)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range a.Levels {
		fmt.Printf("N=%g on %g: %.2fx [%.2f, %.2f], %.0f%% per processor, oversubscribed %v\n",
			l.N, l.Procs, l.Speedup, l.SpeedupLow, l.SpeedupHigh, 100*l.Efficiency, l.Oversubscribed)
	}
	s := a.Amdahl.Sigma
	fmt.Printf("serial fraction %.3f [%.3f, %.3f], speed-up limit %.1fx\n", s.Value, s.Low, s.High, a.Amdahl.Limit().Value)
	fmt.Println("verdict:", a.Regime)
	for _, c := range a.Caveats {
		fmt.Println("caveat:", c)
	}
	// Output:
	// N=1 on 1: 1.00x [0.98, 1.02], 100% per processor, oversubscribed false
	// N=2 on 2: 1.82x [1.77, 1.85], 91% per processor, oversubscribed false
	// N=4 on 4: 3.05x [2.95, 3.13], 76% per processor, oversubscribed false
	// N=8 on 4: 3.01x [2.92, 3.11], 75% per processor, oversubscribed true
	// serial fraction 0.105 [0.099, 0.110], speed-up limit 9.5x
	// verdict: contention
	// caveat: N=8: more goroutines than the 4 processors they could use; shown as oversubscription, not fitted
	// caveat: the USL has as many coefficients as levels (3): it passes through them, so its fit says nothing about the shape; no peak is claimed
}
