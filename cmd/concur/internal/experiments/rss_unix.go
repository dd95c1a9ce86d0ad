//go:build unix

package experiments

import (
	"os"
	"runtime"
	"syscall"
)

// maxrss is in KiB on Linux and the BSDs, in bytes on Apple's systems.
var maxrssUnit = map[bool]float64{true: 1, false: 1024}[runtime.GOOS == "darwin" || runtime.GOOS == "ios"]

// childMaxRSS returns the peak resident set size, in bytes, of a child that
// has exited.
func childMaxRSS(ps *os.ProcessState) (float64, bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0, false
	}
	return float64(ru.Maxrss) * maxrssUnit, true
}

// selfMaxRSS returns this process's peak resident set size in bytes.
func selfMaxRSS() (float64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return float64(ru.Maxrss) * maxrssUnit, true
}
