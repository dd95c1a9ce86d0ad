package scale

import "math"

// Parameter indices of the vector the solver works on.
const (
	pLambda = iota
	pSigma
	pKappa
	nParams
)

type params [nParams]float64

// problem is a bounded non-linear least-squares problem for the USL.
// Throughputs are divided by their maximum (scaleY) so that the residuals are
// of order one whatever the unit of X.
type problem struct {
	n, y   []float64
	scaleY float64
	free   [nParams]bool // Kappa is held at 0 for Amdahl
	lo, hi params
}

func newProblem(points []Point, withKappa bool) *problem {
	pr := &problem{free: [nParams]bool{true, true, withKappa}}
	for _, p := range points {
		pr.scaleY = math.Max(pr.scaleY, p.X)
	}
	for _, p := range points {
		pr.n = append(pr.n, p.N)
		pr.y = append(pr.y, p.X/pr.scaleY)
	}
	// Lambda > 0; Sigma is a fraction; Kappa >= 0.
	pr.lo = params{1e-300, 0, 0}
	pr.hi = params{math.Inf(1), 1, math.Inf(1)}
	return pr
}

func (pr *problem) clamp(p params) params {
	for j := range p {
		if !pr.free[j] {
			continue
		}
		p[j] = math.Min(math.Max(p[j], pr.lo[j]), pr.hi[j])
	}
	return p
}

func model(p params, n float64) float64 {
	return p[pLambda] * n / (1 + p[pSigma]*(n-1) + p[pKappa]*n*(n-1))
}

func (pr *problem) sse(p params) float64 {
	s := 0.0
	for i, n := range pr.n {
		r := pr.y[i] - model(p, n)
		s += r * r
	}
	return s
}

// normal returns JᵀJ and Jᵀr for the residuals r = y - f(p), J = ∂f/∂p.
func (pr *problem) normal(p params) (a [nParams][nParams]float64, g params) {
	for i, n := range pr.n {
		d := 1 + p[pSigma]*(n-1) + p[pKappa]*n*(n-1)
		f := p[pLambda] * n / d
		r := pr.y[i] - f
		j := params{n / d, -f * (n - 1) / d, -f * n * (n - 1) / d}
		for k := range j {
			if !pr.free[k] {
				j[k] = 0
			}
		}
		for k := range nParams {
			g[k] += j[k] * r
			for l := range nParams {
				a[k][l] += j[k] * j[l]
			}
		}
	}
	return a, g
}

// solve runs a bounded Levenberg–Marquardt iteration from start. The bounds
// are kept by projection, and a parameter that sits on a bound while the
// gradient pushes it outwards is held fixed for that step (an active set), so
// the step is taken in the remaining parameters instead of being cut short.
func (pr *problem) solve(start params) (params, float64) {
	p := pr.clamp(start)
	cur := pr.sse(p)
	mu := 1e-3
	for iter := 0; iter < 500; iter++ {
		a, g := pr.normal(p)
		var active [nParams]bool
		for j := range nParams {
			atLo := p[j] <= pr.lo[j] && g[j] <= 0
			atHi := p[j] >= pr.hi[j] && g[j] >= 0
			active[j] = pr.free[j] && !atLo && !atHi
		}
		improved := false
		for mu < 1e20 {
			step, ok := dampedStep(a, g, active, mu)
			if !ok {
				mu *= 10
				continue
			}
			var cand params
			for j := range nParams {
				cand[j] = p[j] + step[j]
			}
			cand = pr.clamp(cand)
			next := pr.sse(cand)
			if next < cur {
				converged := cur-next <= 1e-15*cur || maxRelChange(p, cand) < 1e-12
				p, cur = cand, next
				mu = math.Max(mu/3, 1e-12)
				improved = true
				if converged {
					return p, cur
				}
				break
			}
			mu *= 4
		}
		if !improved {
			break
		}
	}
	return p, cur
}

func maxRelChange(a, b params) float64 {
	m := 0.0
	for j := range a {
		d := math.Abs(a[j] - b[j])
		if s := math.Max(math.Abs(a[j]), math.Abs(b[j])); s > 0 {
			d /= s
		}
		m = math.Max(m, d)
	}
	return m
}

// dampedStep solves (JᵀJ + mu·diag(JᵀJ))·step = Jᵀr over the active
// parameters, in columns scaled to unit norm so that Lambda (of order one)
// and Kappa (often 1e-4 or less) are treated alike.
func dampedStep(a [nParams][nParams]float64, g params, active [nParams]bool, mu float64) (params, bool) {
	var idx []int
	for j := range nParams {
		if active[j] {
			idx = append(idx, j)
		}
	}
	k := len(idx)
	if k == 0 {
		return params{}, false
	}
	var m [nParams][nParams + 1]float64
	var d [nParams]float64
	for r, j := range idx {
		d[r] = math.Sqrt(a[j][j])
		if d[r] == 0 {
			d[r] = 1
		}
	}
	for r, j := range idx {
		for c, l := range idx {
			m[r][c] = a[j][l] / (d[r] * d[c])
		}
		m[r][r] += mu * m[r][r]
		if m[r][r] == 0 {
			m[r][r] = mu
		}
		m[r][k] = g[j] / d[r]
	}
	x, ok := gauss(m[:k], k)
	if !ok {
		return params{}, false
	}
	var step params
	for r, j := range idx {
		step[j] = x[r] / d[r]
	}
	return step, true
}

// gauss solves the k×k system in the augmented rows m by elimination with
// partial pivoting.
func gauss(m [][nParams + 1]float64, k int) ([]float64, bool) {
	for c := range k {
		piv := c
		for r := c + 1; r < k; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[piv][c]) {
				piv = r
			}
		}
		if m[piv][c] == 0 || math.IsNaN(m[piv][c]) {
			return nil, false
		}
		m[c], m[piv] = m[piv], m[c]
		for r := c + 1; r < k; r++ {
			f := m[r][c] / m[c][c]
			for l := c; l <= k; l++ {
				m[r][l] -= f * m[c][l]
			}
		}
	}
	x := make([]float64, k)
	for r := k - 1; r >= 0; r-- {
		s := m[r][k]
		for l := r + 1; l < k; l++ {
			s -= m[r][l] * x[l]
		}
		x[r] = s / m[r][r]
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, false
		}
	}
	return x, true
}

// fitModel fits the USL (withKappa) or Amdahl's law to validated points. It
// runs the solver from the linearised estimate and from two other starts
// and keeps the best, since the least-squares surface of the USL can have a
// shallow second valley along the Sigma–Kappa trade-off.
func fitModel(points []Point, withKappa bool) Fit {
	pr := newProblem(points, withKappa)
	lin := linearUSL(points)
	if !withKappa {
		lin = linearAmdahl(points)
	}
	lin.Lambda /= pr.scaleY
	starts := []params{
		{lin.Lambda, lin.Sigma, lin.Kappa},
		{lin.Lambda, 0.5, 0},
		{lin.Lambda, 0, 1e-4},
	}
	best, bestSSE := params{}, math.Inf(1)
	for _, s := range starts {
		if !withKappa {
			s[pKappa] = 0
		}
		p, sse := pr.solve(s)
		if sse < bestSSE {
			best, bestSSE = p, sse
		}
	}
	m := USL{Sigma: best[pSigma], Kappa: best[pKappa], Lambda: best[pLambda] * pr.scaleY}
	return Fit{Model: m, SSE: bestSSE * pr.scaleY * pr.scaleY, R2: rSquared(points, m)}
}

func rSquared(points []Point, m USL) float64 {
	mean := 0.0
	for _, p := range points {
		mean += p.X
	}
	mean /= float64(len(points))
	sse, sst := 0.0, 0.0
	for _, p := range points {
		r := p.X - m.Throughput(p.N)
		sse += r * r
		d := p.X - mean
		sst += d * d
	}
	if sst == 0 {
		if sse == 0 {
			return 1
		}
		return 0
	}
	return 1 - sse/sst
}
