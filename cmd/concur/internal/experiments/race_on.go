//go:build race

package experiments

// raceEnabled: the race detector allows at most 8128 goroutines alive at
// once, so the creation experiment keeps fewer alive.
const raceEnabled = true
