// Package benchmarks compares concur with the standard library and with peer
// libraries (golang.org/x/sync, sourcegraph/conc, alitto/pond, panjf2000/ants).
// It is a separate module so that concur's own go.mod carries none of the
// peers. Run it from this directory:
//
//	go test -run '^$' -bench . -count 10 ./... | tee new.txt
//	go run golang.org/x/perf/cmd/benchstat@latest new.txt
//
// The figures are recorded as ratios in ../BENCHMARKS.md.
package benchmarks
