package chans_test

import "os"

// rounds returns how many times to repeat a race shape: n in a normal run,
// 100 times more when the environment variable CONCUR_SOAK is set, for a long
// soak outside CI.
func rounds(n int) int {
	if os.Getenv("CONCUR_SOAK") != "" {
		return 100 * n
	}
	return n
}
