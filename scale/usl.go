package scale

import (
	"errors"
	"fmt"
	"math"
)

// Point is one measurement: throughput X (work units per unit of time) at
// concurrency N (goroutines, GOMAXPROCS, clients).
type Point struct{ N, X float64 }

// USL is a fitted universal scalability law
// X(n) = Lambda*n / (1 + Sigma*(n-1) + Kappa*n*(n-1)).
type USL struct {
	Sigma  float64 // contention: the share of work that queues for something shared
	Kappa  float64 // coherency: the pairwise cost of keeping shared state consistent
	Lambda float64 // throughput of one unit of concurrency
}

// Throughput returns the throughput the model predicts at concurrency n:
// Lambda*n / (1 + Sigma*(n-1) + Kappa*n*(n-1)).
func (m USL) Throughput(n float64) float64 {
	return m.Lambda * n / (1 + m.Sigma*(n-1) + m.Kappa*n*(n-1))
}

// Peak returns the concurrency at which the model's throughput is highest,
// sqrt((1-Sigma)/Kappa). It is +Inf when Kappa == 0 (throughput rises
// forever towards Lambda/Sigma, as under Amdahl's law) and 1 when
// Sigma >= 1 (nothing is gained by adding concurrency).
func (m USL) Peak() float64 {
	switch {
	case m.Kappa == 0:
		return math.Inf(1)
	case m.Sigma >= 1:
		return 1
	}
	return math.Sqrt((1 - m.Sigma) / m.Kappa)
}

// String formats the coefficients as "sigma=… kappa=… lambda=…".
func (m USL) String() string {
	return fmt.Sprintf("sigma=%.4g kappa=%.4g lambda=%.4g", m.Sigma, m.Kappa, m.Lambda)
}

// Fit is the result of a least-squares fit together with its goodness.
type Fit struct {
	// Model holds the fitted coefficients. For an Amdahl fit Kappa is 0 and
	// Sigma is the serial fraction.
	Model USL
	// R2 is the coefficient of determination of the fitted throughput,
	// 1 - SSE/SST: 1 for a perfect fit, near 0 when the model explains no
	// more than the mean of the measurements does.
	R2 float64
	// SSE is the sum of squared throughput residuals.
	SSE float64
}

// ErrTooFewPoints is returned (wrapped) by the fits when the measurements
// have fewer than three distinct concurrency levels.
var ErrTooFewPoints = errors.New("scale: need at least 3 distinct concurrency levels")

// ErrNonPositive is returned (wrapped) by the fits when a concurrency or a
// throughput is zero, negative, infinite or NaN.
var ErrNonPositive = errors.New("scale: concurrency and throughput must be positive and finite")

// FitUSL fits the universal scalability law to the measurements by
// non-linear least squares on throughput, with Sigma in [0, 1] and
// Kappa >= 0. It returns an error wrapping ErrTooFewPoints or ErrNonPositive
// when the measurements cannot determine the model.
func FitUSL(points []Point) (USL, error) {
	f, err := FitUSLReport(points)
	return f.Model, err
}

// FitUSLReport is FitUSL that also reports the goodness of the fit.
func FitUSLReport(points []Point) (Fit, error) {
	if err := check(points); err != nil {
		return Fit{}, err
	}
	return fitModel(points, true), nil
}

// FitAmdahl fits Amdahl's law, throughput X(n) = X1*n/(1 + serial*(n-1)),
// to the measurements by least squares and returns the serial fraction in
// [0, 1]. It returns an error wrapping ErrTooFewPoints or ErrNonPositive
// when the measurements cannot determine it.
func FitAmdahl(points []Point) (serial float64, err error) {
	f, err := FitAmdahlReport(points)
	return f.Model.Sigma, err
}

// FitAmdahlReport is FitAmdahl that also reports the goodness of the fit and
// the fitted throughput of one unit (Model.Lambda); Model.Kappa is 0, so
// Model.Throughput draws the fitted Amdahl curve.
func FitAmdahlReport(points []Point) (Fit, error) {
	if err := check(points); err != nil {
		return Fit{}, err
	}
	return fitModel(points, false), nil
}

func check(points []Point) error {
	distinct := make(map[float64]bool)
	for i, p := range points {
		if !(p.N > 0) || math.IsInf(p.N, 0) {
			return fmt.Errorf("%w: point %d has N=%g", ErrNonPositive, i+1, p.N)
		}
		if !(p.X > 0) || math.IsInf(p.X, 0) {
			return fmt.Errorf("%w: point %d has X=%g", ErrNonPositive, i+1, p.X)
		}
		distinct[p.N] = true
	}
	if len(distinct) < 3 {
		return fmt.Errorf("%w, got %d", ErrTooFewPoints, len(distinct))
	}
	return nil
}
