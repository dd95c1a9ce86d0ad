package scale

import "math"

// Amdahl returns the speed-up on n workers of work whose fraction serial
// cannot run in parallel: 1/(serial + (1-serial)/n). It is 1 at n = 1 and
// approaches 1/serial as n grows. It returns NaN when n <= 0.
func Amdahl(serial, n float64) float64 {
	if n <= 0 {
		return math.NaN()
	}
	return 1 / (serial + (1-serial)/n)
}

// Gustafson returns the scaled speed-up on n workers when the problem grows
// with n and only the fraction serial of the work on one worker is serial:
// n - serial*(n-1).
func Gustafson(serial, n float64) float64 {
	return n - serial*(n-1)
}

// KarpFlatt returns the experimentally determined serial fraction
// (1/speedup - 1/n)/(1 - 1/n) for a speed-up measured on n workers: the
// serial fraction Amdahl's law would need to produce that speed-up. It is 0
// for a perfect speed-up of n, 1 when there is no speed-up at all, and NaN
// when n <= 1 (one worker says nothing about the serial part) or speedup <= 0.
func KarpFlatt(speedup, n float64) float64 {
	if n <= 1 || speedup <= 0 {
		return math.NaN()
	}
	return (1/speedup - 1/n) / (1 - 1/n)
}
