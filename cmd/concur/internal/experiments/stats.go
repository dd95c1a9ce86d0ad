package experiments

import (
	"fmt"
	"math"
	"slices"
)

// Median returns the median of the point's values (NaN when empty). The lab
// reports medians because a run disturbed by another process on a shared
// machine moves a mean but not a median.
func (p Point) Median() float64 {
	if len(p.Values) == 0 {
		return math.NaN()
	}
	v := slices.Sorted(slices.Values(p.Values))
	if n := len(v); n%2 == 0 {
		return (v[n/2-1] + v[n/2]) / 2
	}
	return v[len(v)/2]
}

// Min and Max bound the repetitions: the spread the verdicts use.
func (p Point) Min() float64 { return slices.Min(p.Values) }
func (p Point) Max() float64 { return slices.Max(p.Values) }

// Ratio compares two measurements: Of over To, by median, with the lowest
// and highest ratio the repetitions allow.
type Ratio struct {
	Of, To   string // names of what is compared, "processes", "threads"
	Median   float64
	Low, Hi  float64
	Distinct bool // the ranges of the repetitions do not overlap
}

func (r Ratio) String() string {
	return fmt.Sprintf("%s/%s %s", r.Of, r.To, r.Range())
}

// Range is the ratio without the names: "4.00x (2.00x–8.00x)".
func (r Ratio) Range() string {
	return fmt.Sprintf("%s (%s–%s)", ratioText(r.Median), ratioText(r.Low), ratioText(r.Hi))
}

func ratioText(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return fmt.Sprintf("%.0fx", v)
	case a >= 10:
		return fmt.Sprintf("%.1fx", v)
	}
	return fmt.Sprintf("%.2fx", v)
}

// compare returns the ratio of a to b. All values must be positive.
// Distinct is the test the verdicts use: with five repetitions each, two
// ranges that do not overlap at all arise by chance from one distribution
// with probability 2/252 < 1%.
func compare(of string, a Point, to string, b Point) Ratio {
	return Ratio{
		Of: of, To: to,
		Median:   a.Median() / b.Median(),
		Low:      a.Min() / b.Max(),
		Hi:       a.Max() / b.Min(),
		Distinct: a.Min() > b.Max() || a.Max() < b.Min(),
	}
}

// spreadText is "median (min–max)" for a value with its unit formatter.
func spreadText(p Point, f func(float64) string) string {
	return fmt.Sprintf("%s (%s–%s)", f(p.Median()), f(p.Min()), f(p.Max()))
}

// Seconds formats a duration in seconds with three significant digits.
func Seconds(s float64) string {
	for _, u := range []struct {
		f    float64
		name string
	}{{1, "s"}, {1e-3, "ms"}, {1e-6, "µs"}, {1e-9, "ns"}} {
		if math.Abs(s) >= u.f || u.name == "ns" {
			return sig3(s/u.f) + u.name
		}
	}
	return ""
}

// Bytes formats a byte count in binary units with three significant digits.
func Bytes(b float64) string {
	for _, u := range []struct {
		f    float64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}, {1, "B"}} {
		if u.name == "B" {
			return fmt.Sprintf("%.0f B", b)
		}
		if math.Abs(b) >= u.f {
			return sig3(b/u.f) + " " + u.name
		}
	}
	return ""
}

// Rate formats a count per second with an SI prefix: 12.3M/s.
func Rate(v float64) string {
	for _, u := range []struct {
		f    float64
		name string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}} {
		if math.Abs(v) >= u.f || u.f == 1 {
			return sig3(v/u.f) + u.name + "/s"
		}
	}
	return ""
}

func sig3(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// Format formats v in the unit of the series: durations for "s/…", byte
// counts for "bytes/…", rates for "…/s", byte rates for "bytes/s".
func Format(unit string, v float64) string {
	switch {
	case unit == "bytes/s":
		return Bytes(v) + "/s"
	case len(unit) >= 2 && unit[:2] == "s/":
		return Seconds(v)
	case len(unit) >= 6 && unit[:6] == "bytes/":
		return Bytes(v)
	case len(unit) >= 2 && unit[len(unit)-2:] == "/s":
		return Rate(v)
	}
	return sig3(v)
}

// noiseNote says how much the repetitions of a point that should barely
// vary did vary, when that is more than 30%: on a machine busy with other
// work, the reason a verdict is inconclusive. It is "" otherwise.
func noiseNote(what string, p Point) string {
	if len(p.Values) < 2 || p.Min() <= 0 || p.Max()/p.Min() < 1.3 {
		return ""
	}
	return fmt.Sprintf("; %s varied by %s from the fastest repetition to the slowest, so other work was using the machine", what, ratioText(p.Max()/p.Min()))
}
