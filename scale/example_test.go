package scale_test

import (
	"errors"
	"fmt"

	"github.com/concurkit/concur/scale"
)

func ExampleAmdahl() {
	// 5% of the work runs under one lock.
	for _, n := range []float64{1, 4, 16, 1000} {
		fmt.Printf("%4.0f workers: %.2fx\n", n, scale.Amdahl(0.05, n))
	}
	// Output:
	//    1 workers: 1.00x
	//    4 workers: 3.48x
	//   16 workers: 9.14x
	// 1000 workers: 19.63x
}

func ExampleGustafson() {
	// The same 5% serial part, but each worker brings its own share of work.
	for _, n := range []float64{1, 4, 16, 1000} {
		fmt.Printf("%4.0f workers: %.2fx\n", n, scale.Gustafson(0.05, n))
	}
	// Output:
	//    1 workers: 1.00x
	//    4 workers: 3.85x
	//   16 workers: 15.25x
	// 1000 workers: 950.05x
}

func ExampleKarpFlatt() {
	// Measured speed-ups: the serial fraction grows with n, so the cost is
	// overhead that grows with concurrency, not a fixed serial part.
	speedups := map[float64]float64{2: 1.9, 4: 3.4, 8: 5.2}
	for _, n := range []float64{2, 4, 8} {
		fmt.Printf("n=%.0f: e=%.3f\n", n, scale.KarpFlatt(speedups[n], n))
	}
	// Output:
	// n=2: e=0.053
	// n=4: e=0.059
	// n=8: e=0.077
}

func ExampleFitUSL() {
	// Throughput of a service measured at 1–32 clients.
	points := []scale.Point{
		{N: 1, X: 955}, {N: 2, X: 1878}, {N: 4, X: 3548}, {N: 8, X: 6231},
		{N: 16, X: 9005}, {N: 32, X: 9403},
	}
	m, err := scale.FitUSL(points)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("sigma=%.3f kappa=%.5f lambda=%.0f\n", m.Sigma, m.Kappa, m.Lambda)
	fmt.Printf("peak at %.0f clients, %.0f/s\n", m.Peak(), m.Throughput(m.Peak()))
	// Output:
	// sigma=0.021 kappa=0.00164 lambda=963
	// peak at 24 clients, 9676/s
}

func ExampleFitUSLReport() {
	points := []scale.Point{{N: 1, X: 100}, {N: 2, X: 180}, {N: 4, X: 290}, {N: 8, X: 330}}
	fit, err := scale.FitUSLReport(points)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v, R²=%.3f\n", fit.Model, fit.R2)
	// Output:
	// sigma=0.04164 kappa=0.01944 lambda=98.23, R²=1.000
}

func ExampleFit() {
	points := []scale.Point{{N: 1, X: 10}, {N: 2, X: 19}, {N: 4, X: 34}, {N: 8, X: 50}}
	usl, _ := scale.FitUSLReport(points)
	amdahl, _ := scale.FitAmdahlReport(points)
	fmt.Printf("USL    R²=%.4f\n", usl.R2)
	fmt.Printf("Amdahl R²=%.4f\n", amdahl.R2)
	// Output:
	// USL    R²=1.0000
	// Amdahl R²=0.9979
}

func ExampleFitAmdahl() {
	// Generated from a serial fraction of 0.2.
	points := []scale.Point{{N: 1, X: 50}, {N: 2, X: 83.33}, {N: 4, X: 125}, {N: 8, X: 166.67}}
	s, err := scale.FitAmdahl(points)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("serial fraction %.2f: speed-up below %.0fx\n", s, 1/s)
	// Output:
	// serial fraction 0.20: speed-up below 5x
}

func ExampleFitAmdahlReport() {
	points := []scale.Point{{N: 1, X: 50}, {N: 2, X: 83.33}, {N: 4, X: 125}, {N: 8, X: 166.67}}
	fit, _ := scale.FitAmdahlReport(points)
	curve := fit.Model // Kappa is 0: the Amdahl curve in throughput units
	fmt.Printf("X(16) = %.1f\n", curve.Throughput(16))
	// Output:
	// X(16) = 200.0
}

func ExampleFitUSL_tooFewPoints() {
	_, err := scale.FitUSL([]scale.Point{{N: 1, X: 10}, {N: 2, X: 18}})
	fmt.Println(err)
	fmt.Println(errors.Is(err, scale.ErrTooFewPoints))
	// Output:
	// scale: need at least 3 distinct concurrency levels, got 2
	// true
}

func ExampleUSL() {
	m := scale.USL{Sigma: 0.05, Kappa: 0.001, Lambda: 1000}
	for _, n := range []float64{1, 8, 31, 64} {
		fmt.Printf("X(%2.0f) = %5.0f\n", n, m.Throughput(n))
	}
	// Output:
	// X( 1) =  1000
	// X( 8) =  5690
	// X(31) =  9038
	// X(64) =  7822
}

func ExampleUSL_Throughput() {
	m := scale.USL{Sigma: 0.1, Lambda: 200} // Kappa 0: Amdahl's law
	fmt.Printf("%.1f %.1f\n", m.Throughput(4), 200*scale.Amdahl(0.1, 4))
	// Output:
	// 615.4 615.4
}

func ExampleUSL_Peak() {
	fmt.Printf("%.1f\n", scale.USL{Sigma: 0.05, Kappa: 0.001, Lambda: 1}.Peak())
	fmt.Println(scale.USL{Sigma: 0.05, Lambda: 1}.Peak())
	// Output:
	// 30.8
	// +Inf
}

func ExampleUSL_String() {
	fmt.Println(scale.USL{Sigma: 0.05, Kappa: 0.001, Lambda: 1000})
	// Output:
	// sigma=0.05 kappa=0.001 lambda=1000
}

func ExamplePoint() {
	// Points come from any measurement: goroutines, cores, clients.
	p := scale.Point{N: 4, X: 3.2e6}
	fmt.Printf("%.0f goroutines: %.1e ops/s\n", p.N, p.X)
	// Output:
	// 4 goroutines: 3.2e+06 ops/s
}
