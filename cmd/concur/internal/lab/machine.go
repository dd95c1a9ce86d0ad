package lab

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Machine describes where a measurement ran.
type Machine struct {
	CPUModel   string  // "unknown" when the system does not say
	NumCPU     int     // logical CPUs present
	Cores      int     // processors the process may use: GOMAXPROCS's default, which honours a container's CPU quota
	GOMAXPROCS int     // as set when the lab started
	GoVersion  string  // runtime.Version()
	OSArch     string  // "linux/amd64"
	Date       string  // RFC 3339, UTC
	Module     string  // the concur module's version (and VCS revision when known)
	LoadAvg    float64 // 1-minute load average when measuring began, -1 when unknown
}

// DetectMachine reads the machine's description; now is the date to record.
func DetectMachine(now time.Time) Machine {
	m := Machine{
		CPUModel:   cpuModel(),
		NumCPU:     runtime.NumCPU(),
		Cores:      runtime.GOMAXPROCS(0),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		GoVersion:  runtime.Version(),
		OSArch:     runtime.GOOS + "/" + runtime.GOARCH,
		Date:       now.UTC().Format(time.RFC3339),
		Module:     moduleVersion(),
		LoadAvg:    LoadAverage(),
	}
	return m
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// LoadAverage returns the 1-minute load average from /proc/loadavg, or -1
// where there is none.
func LoadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}

// moduleVersion is the version of the main module as built, with its VCS
// revision when the build recorded one.
func moduleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Path + " " + bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
		if s.Key == "vcs.modified" && s.Value == "true" {
			v += "+dirty"
		}
	}
	return strings.TrimSpace(v)
}
