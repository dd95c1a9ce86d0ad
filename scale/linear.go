package scale

import "math"

// linearUSL is Gunther's linearised estimate, the starting point of the
// non-linear fit. When X(1) was measured it normalises by it and fits the
// deviation from linearity, y = N·X(1)/X(N) - 1, as the quadratic
// y = (σ+κ)x + κx² in x = N-1 through the origin. Otherwise it fits
// N/X = (1 + σ(N-1) + κN(N-1))/λ, which is linear in 1/λ, σ/λ and κ/λ.
// Both transforms weigh the points unevenly (the error of the deviation grows
// with N), which is why the result is only a start.
func linearUSL(points []Point) USL {
	if x1, ok := throughputAtOne(points); ok {
		var sxx, sx3, sx4, sxy, sx2y float64
		for _, p := range points {
			x := p.N - 1
			y := p.N*x1/p.X - 1
			sxx += x * x
			sx3 += x * x * x
			sx4 += x * x * x * x
			sxy += x * y
			sx2y += x * x * y
		}
		det := sxx*sx4 - sx3*sx3
		if det != 0 {
			b := (sxy*sx4 - sx2y*sx3) / det
			a := (sxx*sx2y - sx3*sxy) / det
			return clampLinear(USL{Sigma: b - a, Kappa: a, Lambda: x1})
		}
	}
	rows := make([][]float64, len(points))
	rhs := make([]float64, len(points))
	for i, p := range points {
		rows[i] = []float64{1, p.N - 1, p.N * (p.N - 1)}
		rhs[i] = p.N / p.X
	}
	c, ok := leastSquares(rows, rhs)
	if !ok || c[0] <= 0 {
		return fallbackStart(points)
	}
	return clampLinear(USL{Sigma: c[1] / c[0], Kappa: c[2] / c[0], Lambda: 1 / c[0]})
}

// linearAmdahl is linearUSL with κ = 0.
func linearAmdahl(points []Point) USL {
	if x1, ok := throughputAtOne(points); ok {
		var sxx, sxy float64
		for _, p := range points {
			x := p.N - 1
			sxx += x * x
			sxy += x * (p.N*x1/p.X - 1)
		}
		if sxx > 0 {
			return clampLinear(USL{Sigma: sxy / sxx, Lambda: x1})
		}
	}
	rows := make([][]float64, len(points))
	rhs := make([]float64, len(points))
	for i, p := range points {
		rows[i] = []float64{1, p.N - 1}
		rhs[i] = p.N / p.X
	}
	c, ok := leastSquares(rows, rhs)
	if !ok || c[0] <= 0 {
		return fallbackStart(points)
	}
	return clampLinear(USL{Sigma: c[1] / c[0], Lambda: 1 / c[0]})
}

// throughputAtOne returns the mean throughput measured at N = 1.
func throughputAtOne(points []Point) (float64, bool) {
	sum, k := 0.0, 0
	for _, p := range points {
		if p.N == 1 {
			sum += p.X
			k++
		}
	}
	return sum / float64(k), k > 0
}

func fallbackStart(points []Point) USL {
	best := 0.0
	for _, p := range points {
		best = math.Max(best, p.X/p.N)
	}
	return USL{Sigma: 0.1, Lambda: best}
}

func clampLinear(m USL) USL {
	m.Sigma = math.Min(math.Max(m.Sigma, 0), 1)
	m.Kappa = math.Max(m.Kappa, 0)
	return m
}

// leastSquares solves the over-determined system rows·c ≈ rhs through its
// normal equations; the systems here have two or three columns.
func leastSquares(rows [][]float64, rhs []float64) ([]float64, bool) {
	k := len(rows[0])
	m := make([][nParams + 1]float64, k)
	for i, row := range rows {
		for a := range k {
			for b := range k {
				m[a][b] += row[a] * row[b]
			}
			m[a][k] += row[a] * rhs[i]
		}
	}
	return gauss(m, k)
}
