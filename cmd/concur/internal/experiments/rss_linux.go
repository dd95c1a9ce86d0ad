package experiments

import (
	"fmt"
	"os"
)

// selfRSS returns this process's resident set size now, in bytes, from
// /proc/self/statm; the current size, unlike the peak, shows memory taken
// after start-up even when start-up briefly took more.
func selfRSS() (float64, bool) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return selfMaxRSS()
	}
	var size, resident int64
	if _, err := fmt.Sscan(string(b), &size, &resident); err != nil {
		return selfMaxRSS()
	}
	return float64(resident * int64(os.Getpagesize())), true
}
