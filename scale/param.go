package scale

import "math"

// Param is a fitted parameter with its standard error and its 95%
// confidence interval [Low, High], clipped to the parameter's bounds. The
// interval is Student's t on the standard error (from the Jacobian of the
// fit at the optimum), so it assumes independent errors of constant size;
// a parameter that could not be estimated has NaN error and bounds.
type Param struct {
	Value, StdErr, Low, High float64
}

// Determined reports whether the data pin the parameter down: the value is
// positive and at least its own margin of error (the larger half of the
// interval), so "0.03 ± 0.05" is not determined. A coefficient that is not
// determined must not be used to explain anything.
func (p Param) Determined() bool {
	m := math.Max(p.High-p.Value, p.Value-p.Low)
	return !math.IsNaN(m) && !math.IsInf(m, 0) && p.Value > 0 && m <= p.Value
}

// Excludes0 reports whether the interval lies above zero.
func (p Param) Excludes0() bool { return p.Low > 0 }

func newParam(v, se float64, dof int, lo, hi float64) Param {
	if dof < 1 || math.IsNaN(se) || math.IsInf(se, 0) {
		return Param{Value: v, StdErr: math.NaN(), Low: math.NaN(), High: math.NaN()}
	}
	h := tQuantile975(dof) * se
	return Param{Value: v, StdErr: se, Low: math.Max(lo, v-h), High: math.Min(hi, v+h)}
}

// t975 is the 97.5% quantile of Student's t with 1..30 degrees of freedom.
var t975 = [...]float64{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
	2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042}

// tQuantile975 returns the two-sided 95% critical value of Student's t;
// beyond 30 degrees of freedom 1.96 + 2.4/dof is within 0.003 of it.
func tQuantile975(dof int) float64 {
	if dof <= len(t975) {
		return t975[dof-1]
	}
	return 1.96 + 2.4/float64(dof)
}

// covariance returns the standard errors of the free parameters of pr at p
// (in the problem's scaled units): sqrt(diag(s²·(JᵀJ)⁻¹)) with
// s² = SSE/(observations - free parameters). It returns NaN for all when the
// residual has no degrees of freedom or JᵀJ is singular.
func (pr *problem) stdErrors(p params) (se params, dof int) {
	free := 0
	for _, f := range pr.free {
		if f {
			free++
		}
	}
	dof = len(pr.n) - free
	nan := params{math.NaN(), math.NaN(), math.NaN()}
	if dof < 1 {
		return nan, dof
	}
	s2 := pr.sse(p) / float64(dof)
	a, _ := pr.normal(p)
	var idx []int
	for j := range nParams {
		if pr.free[j] {
			idx = append(idx, j)
		}
	}
	k := len(idx)
	// Invert JᵀJ column by column with the same elimination the solver uses.
	for c := range k {
		m := make([][nParams + 1]float64, k)
		for r, j := range idx {
			for cc, l := range idx {
				m[r][cc] = a[j][l]
			}
			if r == c {
				m[r][k] = 1
			}
		}
		x, ok := gauss(m, k)
		if !ok || !(x[c] >= 0) {
			return nan, dof
		}
		se[idx[c]] = math.Sqrt(s2 * x[c])
	}
	return se, dof
}
