package scale

import (
	"math"
	"testing"
)

func TestAmdahl(t *testing.T) {
	for _, tc := range []struct{ s, n, want float64 }{
		{0, 8, 8},
		{1, 8, 1},
		{0.5, 2, 1 / (0.5 + 0.25)},
		{0.1, 1, 1},
		{0.05, 20, 1 / (0.05 + 0.95/20)},
	} {
		if got := Amdahl(tc.s, tc.n); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Amdahl(%g, %g) = %g, want %g", tc.s, tc.n, got, tc.want)
		}
	}
	if !math.IsNaN(Amdahl(0.1, 0)) {
		t.Error("Amdahl(0.1, 0) is not NaN")
	}
	// The speed-up is bounded by 1/s.
	if got := Amdahl(0.25, 1e12); got >= 4 || got < 3.999 {
		t.Errorf("Amdahl(0.25, 1e12) = %g, want just under 4", got)
	}
}

func TestGustafson(t *testing.T) {
	for _, tc := range []struct{ s, n, want float64 }{
		{0, 8, 8}, {1, 8, 1}, {0.1, 1, 1}, {0.25, 5, 4},
	} {
		if got := Gustafson(tc.s, tc.n); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Gustafson(%g, %g) = %g, want %g", tc.s, tc.n, got, tc.want)
		}
	}
}

func TestKarpFlattInvertsAmdahl(t *testing.T) {
	for _, s := range []float64{0, 0.01, 0.2, 0.5, 1} {
		for _, n := range []float64{2, 3, 8, 100} {
			if got := KarpFlatt(Amdahl(s, n), n); math.Abs(got-s) > 1e-12 {
				t.Errorf("KarpFlatt(Amdahl(%g, %g)) = %g", s, n, got)
			}
		}
	}
	for _, tc := range []struct{ sp, n float64 }{{1, 1}, {2, 0.5}, {0, 4}, {-1, 4}} {
		if got := KarpFlatt(tc.sp, tc.n); !math.IsNaN(got) {
			t.Errorf("KarpFlatt(%g, %g) = %g, want NaN", tc.sp, tc.n, got)
		}
	}
}
