package report

import "testing"

func TestSI(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0.000"}, {0.5, "0.500"}, {0.0123, "12.30m"}, {2e-6, "2.000µ"}, {3.3e-7, "330.0n"}, {-0.25, "-0.250"}, {1e-12, "1e-12"}, {12.345, "12.35"}, {999.99, "1.000k"}, {999.94, "999.9"},
		{1234, "1.234k"}, {999_999.99, "1.000M"}, {12_345_678, "12.35M"}, {-999_999.99, "-1.000M"},
		{999.96e9, "1.000T"},
	} {
		if got := SI(tc.v); got != tc.want {
			t.Errorf("SI(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
