//go:build !unix

package experiments

import "os"

// Without getrusage the process memory is not measured; the experiments
// report time only.
func childMaxRSS(*os.ProcessState) (float64, bool) { return 0, false }

func selfMaxRSS() (float64, bool) { return 0, false }
