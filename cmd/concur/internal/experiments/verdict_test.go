package experiments

import (
	"strings"
	"testing"
)

func pt(n float64, vs ...float64) Point { return Point{N: n, Procs: 2, Values: vs} }

// The verdicts follow the measured values and their spread: the same
// experiment is supported, contradicted, inconclusive or untestable by the
// numbers alone.
func TestVerdicts(t *testing.T) {
	fs := func(cores int, padded, adjacent Point) Result {
		return Result{Cores: cores, Series: []Series{
			{Name: fsPadded, Points: []Point{pt(1, 1, 1), padded}},
			{Name: fsAdjacent, Points: []Point{pt(1, 1, 1), adjacent}},
			{Name: fsShared, Points: []Point{pt(1, 1, 1), pt(adjacent.N, 1, 1)}},
		}}
	}
	one := Result{Cores: 1, Series: []Series{
		{Name: fsPadded, Points: []Point{pt(1, 5, 6)}},
		{Name: fsAdjacent, Points: []Point{pt(1, 5, 6)}},
		{Name: fsShared, Points: []Point{pt(1, 5, 6)}},
	}}
	sg := func(cores int, strong, weak Point, amdahl float64) Result {
		return Result{Cores: cores, Series: []Series{
			{Name: StrongSpeedup, Points: []Point{pt(1, 1, 1), strong}},
			{Name: WeakSpeedup, Points: []Point{pt(1, 1, 1), weak}},
		}, Derived: map[string]float64{DerivedFitUpTo: strong.N, DerivedAmdahlSerial: amdahl, DerivedGustafsonSerial: 0.3}}
	}
	for _, tc := range []struct {
		name string
		v    Verdict
		want Outcome
		text string
	}{
		{"false sharing shown", falseSharingVerdict(fs(2, pt(2, 300, 310, 320), pt(2, 80, 85, 90))), Supported, "cache line"},
		{"false sharing overlapping", falseSharingVerdict(fs(2, pt(2, 80, 300), pt(2, 85, 90))), Inconclusive, "overlap"},
		{"false sharing hidden by a busy machine", falseSharingVerdict(Result{Cores: 2, Series: []Series{
			{Name: fsPadded, Points: []Point{pt(1, 40, 130), pt(2, 80, 300)}},
			{Name: fsAdjacent, Points: []Point{pt(1, 50, 60), pt(2, 85, 90)}},
			{Name: fsShared, Points: []Point{pt(1, 50, 60), pt(2, 85, 90)}},
		}}), Inconclusive, "other work was using the machine"},
		{"padding slower", falseSharingVerdict(fs(2, pt(2, 10, 11), pt(2, 80, 85))), Contradicted, ""},
		{"false sharing on one core", falseSharingVerdict(one), Untestable, "1 core"},
		{"strong vs weak apart", scalingVerdict(sg(2, pt(2, 1.50, 1.52, 1.55), pt(2, 1.68, 1.70, 1.72), 0.31)), Supported, "Gustafson"},
		{"strong vs weak overlap", scalingVerdict(sg(2, pt(2, 1.2, 1.6), pt(2, 1.5, 1.7), 0.3)), Inconclusive, ""},
		{"scaling on one core", scalingVerdict(sg(1, pt(1, 1), pt(1, 1), 0.3)), Untestable, "1 core"},
		{"switch ordered", switchVerdict(Result{Series: []Series{
			{Name: switchGoroutines1, Points: []Point{pt(2, 2e-7, 3e-7)}},
			{Name: switchGoroutines, Points: []Point{pt(2, 2e-7, 3e-7)}},
			{Name: switchThreads, Points: []Point{pt(2, 4e-6, 5e-6)}},
			{Name: switchProcesses, Points: []Point{pt(2, 9e-6, 1e-5)}},
		}}), Supported, ""},
		{"process switch as cheap as thread switch", switchVerdict(Result{Series: []Series{
			{Name: switchGoroutines1, Points: []Point{pt(2, 2e-7, 3e-7)}},
			{Name: switchGoroutines, Points: []Point{pt(2, 2e-7, 3e-7)}},
			{Name: switchThreads, Points: []Point{pt(2, 4e-6, 9e-6)}},
			{Name: switchProcesses, Points: []Point{pt(2, 5e-6, 1e-5)}},
		}}), Partly, "PCID"},
		{"message passing catches up", messageSizeVerdict(Result{
			Series: []Series{
				{Name: msgShared, Points: []Point{pt(16, 1e9, 1.1e9), pt(65536, 2e9, 2.1e9)}},
				{Name: msgMessages, Points: []Point{pt(16, 2e7, 3e7), pt(65536, 1.95e9, 2e9)}},
			},
			Derived: map[string]float64{DerivedCrossover: 65536}}), Supported, "64.0 KiB"},
		{"message passing never catches up", messageSizeVerdict(Result{
			Series: []Series{
				{Name: msgShared, Points: []Point{pt(16, 1e9, 1.1e9), pt(65536, 2e9, 2.1e9)}},
				{Name: msgMessages, Points: []Point{pt(16, 2e7, 3e7), pt(65536, 1e9, 1.1e9)}},
			},
			Derived: map[string]float64{}}), Partly, "did not come within 10%"},
		{"creation ordered", createVerdict(Result{Series: []Series{
			{Name: seriesProcesses, Points: []Point{pt(16, 1e-3, 2e-3)}},
			{Name: seriesThreads, Points: []Point{pt(200, 2e-5, 3e-5)}},
			{Name: seriesGoroutines, Points: []Point{pt(1e4, 3e-7, 5e-7)}},
		}}), Supported, "a process costs 60.0x (33.3x–100x) a thread"},
	} {
		if tc.v.Outcome != tc.want || !strings.Contains(tc.v.Text, tc.text) {
			t.Errorf("%s: %v, want %v containing %q: %s", tc.name, tc.v.Outcome, tc.want, tc.text, tc.v.Text)
		}
	}
}

func TestCompare(t *testing.T) {
	r := compare("a", pt(1, 4, 6, 8), "b", pt(1, 1, 2))
	if r.Median != 4 || r.Low != 2 || r.Hi != 8 || !r.Distinct {
		t.Errorf("compare = %+v", r)
	}
	if r := compare("a", pt(1, 1, 3), "b", pt(1, 2, 4)); r.Distinct {
		t.Error("overlapping ranges called distinct")
	}
	if got := r.String(); got != "a/b 4.00x (2.00x–8.00x)" {
		t.Errorf("String = %q", got)
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		unit string
		v    float64
		want string
	}{
		{"s/unit", 1.234e-6, "1.23µs"}, {"s/unit", 0.0136, "13.6ms"}, {"s/switch", 2e-7, "200ns"},
		{"bytes/unit", 2826, "2.76 KiB"}, {"bytes/unit", 512, "512 B"}, {"bytes/unit", 12.1 * (1 << 20), "12.1 MiB"},
		{"increments/s", 7.74e7, "77.4M/s"}, {"x", 1.5, "1.50"}, {"bytes/s", 1.5 * (1 << 30), "1.50 GiB/s"},
	} {
		if got := Format(tc.unit, tc.v); got != tc.want {
			t.Errorf("Format(%q, %g) = %q, want %q", tc.unit, tc.v, got, tc.want)
		}
	}
}
