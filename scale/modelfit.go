package scale

import (
	"math"
)

// ModelFit is a fit of the USL or of Amdahl's law made by Analyze, with the
// uncertainty of its coefficients and a goodness of fit that counts degrees
// of freedom.
type ModelFit struct {
	// Err says why the model was not fitted (too few levels); the other
	// fields are then zero.
	Err error
	// Model holds the fitted coefficients (Kappa is 0 for Amdahl).
	Model USL
	// Sigma, Kappa and Lambda are the coefficients with their intervals.
	// For an anchored Amdahl fit Lambda is X(1), taken as measured.
	Sigma, Kappa, Lambda Param
	// Anchored reports an Amdahl fit made on speed-up relative to the
	// measured X(1) — the mean of the repetitions at N = 1, which Lambda
	// holds: S(n) = n/(1 + σ(n-1)), so its limit is exactly 1/σ.
	Anchored bool
	// Obs is the number of repetitions fitted, Levels the number of
	// distinct levels that inform the coefficients (for an anchored fit,
	// the levels other than N = 1) and Params the coefficients estimated.
	Obs, Levels, Params int
	// SpareDoF is Levels - Params: the levels left to check the shape of
	// the model against. With none, any curve through the levels fits
	// perfectly and R² says nothing.
	SpareDoF int
	// R2 is 1 - SSE/SST over the fitted repetitions and AdjR2 the same
	// with each sum divided by its degrees of freedom.
	R2, AdjR2 float64
	// Misfit is the root mean square of the level means' residuals relative
	// to the mean throughput, and Noise the standard error of a level mean
	// from the repetitions (NaN without repetitions), on the same scale.
	Misfit, Noise float64
	// Adequate reports that the model has a spare degree of freedom and
	// misses the level means by no more than three times their noise or 5%.
	Adequate bool
}

// Limit is the speed-up an Amdahl fit allows as N grows, 1/σ, with its
// interval; Value is +Inf when σ = 0.
func (f ModelFit) Limit() Param {
	inv := func(v float64) float64 {
		if v <= 0 {
			return math.Inf(1)
		}
		return 1 / v
	}
	return Param{Value: inv(f.Sigma.Value), StdErr: math.NaN(), Low: inv(f.Sigma.High), High: inv(f.Sigma.Low)}
}

// goodness fills R2, AdjR2, Misfit, Noise and Adequate for a model of the
// throughput at N.
func (f *ModelFit) goodness(obs []Point, predict func(n float64) float64) {
	mean := 0.0
	for _, p := range obs {
		mean += p.X
	}
	mean /= float64(len(obs))
	sse, sst := 0.0, 0.0
	byN := map[float64][]float64{}
	var order []float64
	for _, p := range obs {
		r := p.X - predict(p.N)
		sse += r * r
		d := p.X - mean
		sst += d * d
		if _, ok := byN[p.N]; !ok {
			order = append(order, p.N)
		}
		byN[p.N] = append(byN[p.N], p.X)
	}
	f.R2 = 1 - sse/sst
	if sst == 0 {
		f.R2 = 0
		if sse == 0 {
			f.R2 = 1
		}
	}
	f.AdjR2 = math.NaN()
	if dof := len(obs) - f.Params; dof > 0 && len(obs) > 1 && sst > 0 {
		f.AdjR2 = 1 - (sse/float64(dof))/(sst/float64(len(obs)-1))
	}
	// Lack of fit against pure error: residual of each level's mean versus
	// the scatter of the repetitions around it.
	var lof, pe float64
	peDoF, reps := 0, 0
	for _, n := range order {
		xs := byN[n]
		m := 0.0
		for _, x := range xs {
			m += x
		}
		m /= float64(len(xs))
		r := m - predict(n)
		lof += r * r
		for _, x := range xs {
			pe += (x - m) * (x - m)
		}
		peDoF += len(xs) - 1
		reps += len(xs)
	}
	f.Misfit = math.Sqrt(lof/float64(len(order))) / mean
	f.Noise = math.NaN()
	if peDoF > 0 {
		f.Noise = math.Sqrt(pe/float64(peDoF)) / math.Sqrt(float64(reps)/float64(len(order))) / mean
	}
	f.Adequate = f.SpareDoF >= 1 && (f.Misfit <= 0.05 || f.Misfit <= 3*f.Noise)
}

// fitUSLObs fits the USL to repetitions with standard errors.
func fitUSLObs(obs []Point) ModelFit {
	f := ModelFit{Params: 3, Obs: len(obs)}
	if err := check(obs); err != nil {
		f.Err = err
		return f
	}
	f.Levels = distinctN(obs)
	f.SpareDoF = f.Levels - f.Params
	pr := newProblem(obs, true)
	fit := fitModel(obs, true)
	f.Model = fit.Model
	p := params{fit.Model.Lambda / pr.scaleY, fit.Model.Sigma, fit.Model.Kappa}
	se, dof := pr.stdErrors(p)
	f.Lambda = newParam(f.Model.Lambda, se[pLambda]*pr.scaleY, dof, 0, math.Inf(1))
	f.Sigma = newParam(f.Model.Sigma, se[pSigma], dof, 0, 1)
	f.Kappa = newParam(f.Model.Kappa, se[pKappa], dof, 0, math.Inf(1))
	f.goodness(obs, f.Model.Throughput)
	return f
}

// fitAmdahlFree fits Amdahl's law with λ free, for series without N = 1.
func fitAmdahlFree(obs []Point) ModelFit {
	f := ModelFit{Params: 2, Obs: len(obs)}
	if err := check(obs); err != nil {
		f.Err = err
		return f
	}
	f.Levels = distinctN(obs)
	f.SpareDoF = f.Levels - f.Params
	pr := newProblem(obs, false)
	fit := fitModel(obs, false)
	f.Model = fit.Model
	se, dof := pr.stdErrors(params{fit.Model.Lambda / pr.scaleY, fit.Model.Sigma, 0})
	f.Lambda = newParam(f.Model.Lambda, se[pLambda]*pr.scaleY, dof, 0, math.Inf(1))
	f.Sigma = newParam(f.Model.Sigma, se[pSigma], dof, 0, 1)
	f.goodness(obs, f.Model.Throughput)
	return f
}

func distinctN(obs []Point) int {
	seen := map[float64]bool{}
	for _, p := range obs {
		seen[p.N] = true
	}
	return len(seen)
}
