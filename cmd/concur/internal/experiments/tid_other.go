//go:build !linux

package experiments

func threadID() int { return 0 }
