// Command concur is a scalability lab: it measures how a program's
// throughput changes as goroutines and cores are added, and explains the
// curve from evidence, with Amdahl's law, the Karp–Flatt metric and
// Gunther's universal scalability law (USL), as computed by scale.Analyze.
//
// Usage:
//
//	concur lab     [-max N] [-duration D] [-reps K] [-run REGEXP] [-out report.html]
//	concur scale   [-cpu 1,2,4] [-bench REGEXP] [-count K] [-cores P] [-out report.html] [packages] [-- go test flags]
//	concur scale   [-cores P] -in FILE|-
//	concur fit     [-cores P] [-out report.html] FILE.csv|-
//	concur version
//
// Every command follows one flow: measure (lab, scale) or parse (scale -in,
// fit) into samples — every repetition at every level, with the processors
// the level could use — then scale.Analyze, then an explanation built from
// the analysis and the evidence, then one view that is rendered as text on
// stdout and as a self-contained HTML page, so that both say the same.
//
// lab runs built-in workloads at N = 1, 2, 4, … goroutines with GOMAXPROCS =
// min(N, cores), where cores is GOMAXPROCS's default (it honours a
// container's CPU quota): a calibration that shares nothing (the machine's
// own ceiling), counting the letters of an embedded corpus with a lock per
// update, with local counts merged under one lock, with atomic counters and
// by message passing; a read-heavy map under each syncx.RWMutex policy; and
// a pipeline with fan-out. After a warm-up, each level is run -reps times in
// rounds that visit the levels in a fresh order, then once more with the
// block profile on to record where goroutines waited. Each workload is
// printed as soon as it is measured. Levels beyond the cores are shown as
// oversubscription and not fitted.
//
// scale runs the user's benchmarks with go test -bench -cpu (5 runs each by
// default, so that the spread shows) and reads the results with
// golang.org/x/perf/benchfmt, taking N from the -P suffix and throughput as
// 1/(sec/op). It warns when throughput is flat across -cpu (a benchmark that
// does not use b.RunParallel). fit reads a CSV file whose header names the
// concurrency and the throughput (the second name is the unit); rows with
// the same N are repetitions; -cores P says N counts goroutines on P
// processors.
//
// Errors (a missing file, a malformed CSV, benchmark output without
// results, an unknown flag, a -duration below 10ms) are reported on one line
// on stderr with exit status 1, before any measuring; -h on any command
// prints its usage and exits 0.
package main
