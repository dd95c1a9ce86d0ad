package report

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// duration formats d with three significant digits: 8.39ms, 115µs.
func duration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", d.Nanoseconds())
	case d < time.Millisecond:
		return g3(float64(d)/1e3) + "µs"
	case d < time.Second:
		return g3(float64(d)/1e6) + "ms"
	}
	return g3(d.Seconds()) + "s"
}

var prefixes = []struct {
	f float64
	s string
}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}}

// SI formats v with about four significant digits and an SI prefix:
// 12.35M. A value that rounds up to the next prefix takes it, so
// 999,999.99 is "1.000M", never "1000.0k".
func SI(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case math.IsInf(v, 0):
		return fmt.Sprint(v)
	case math.Abs(v) >= 1e15:
		return fmt.Sprintf("%.3e", v) // beyond the prefixes: keep the table narrow
	}
	if a := math.Abs(v); a > 0 && a < 1 {
		return small(v)
	}
	for i, u := range prefixes {
		if math.Abs(v) < u.f && u.f != 1 {
			continue
		}
		s := trimFloat(v / u.f)
		if m, _ := strconv.ParseFloat(s, 64); math.Abs(m) >= 1000 && i > 0 {
			return fmt.Sprintf("%.3f", v/prefixes[i-1].f) + prefixes[i-1].s
		}
		return s + u.s
	}
	return trimFloat(v)
}

// small formats 0 < |v| < 1 with a milli, micro or nano prefix: 0.5 stays
// "0.500", 2e-6 is "2.000µ".
func small(v float64) string {
	for _, u := range []struct {
		f float64
		s string
	}{{1, ""}, {1e-3, "m"}, {1e-6, "µ"}, {1e-9, "n"}} {
		m := v / u.f
		if u.f == 1 && math.Abs(m) >= 0.1 {
			return fmt.Sprintf("%.3f", m)
		}
		if math.Abs(m) >= 0.9995 {
			return trimFloat(m) + u.s
		}
	}
	return fmt.Sprintf("%.3g", v)
}

func trimFloat(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return fmt.Sprintf("%.1f", v)
	case a >= 10:
		return fmt.Sprintf("%.2f", v)
	case a >= 1 || a == 0:
		return fmt.Sprintf("%.3f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

// pct formats a share as a whole percentage.
func pct(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*v)
}

// fixed formats v with prec decimals, "-" for NaN.
func fixed(v float64, prec int) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.*f", prec, v)
}

// g3 formats v with three significant digits.
func g3(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// siTick formats an axis label: 0, 500, 1.5k, 20M.
func siTick(v float64) string {
	for _, u := range prefixes[:4] {
		if math.Abs(v) >= u.f {
			return strconv.FormatFloat(v/u.f, 'g', 4, 64) + u.s
		}
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
