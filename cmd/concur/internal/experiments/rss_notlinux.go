//go:build !linux

package experiments

// selfRSS returns the peak resident set size: the current one needs /proc.
func selfRSS() (float64, bool) { return selfMaxRSS() }
