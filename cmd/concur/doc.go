// Command concur is a scalability lab: it measures how a program's
// throughput changes as goroutines and cores are added, and explains the
// curve with Amdahl's law, the Karp–Flatt metric and Gunther's universal
// scalability law (USL), as computed by package scale.
//
// Usage:
//
//	concur lab   [-max N] [-duration D] [-run REGEXP] [-out report.html]
//	concur scale [-cpu 1,2,4,8] [-bench REGEXP] [-count K] [-out report.html] [packages]
//	concur scale -in FILE|-
//	concur fit   [-out report.html] FILE.csv|-
//
// lab runs built-in workloads — the classic problems of concurrent
// programming — at N = 1, 2, 4, … goroutines with GOMAXPROCS = min(N,
// NumCPU): counting the letters of an embedded corpus with a lock per update,
// with local counts merged under one lock, with atomic counters and by
// message passing; a read-heavy map under each syncx.RWMutex policy; and a
// pipeline with fan-out. scale runs the user's benchmarks with
// go test -bench -cpu and reads the results with golang.org/x/perf/benchfmt,
// taking N from the -P suffix of each result and throughput as 1/(sec/op).
// fit reads N,X pairs measured anywhere else from a CSV file.
//
// lab also runs experiments that measure the classic claims of the field on
// this machine, each with its hypothesis, its measurements with their spread
// and a verdict: the cost and memory of creating processes (this binary
// re-executed), OS threads and goroutines; context switches between them;
// strong against weak scaling of one kernel (Amdahl against Gustafson);
// false sharing of counters in one cache line; and sharing memory against
// message passing by message size. The default run includes short versions
// of all of them; concur lab -h lists them and -run selects them by name.
//
// For each workload or benchmark concur prints N, throughput, speed-up,
// efficiency and the Karp–Flatt serial fraction, the fitted USL (sigma,
// kappa, lambda, R²) with its predicted peak, the Amdahl serial fraction and
// one sentence that explains the result, and writes a self-contained HTML
// report with a chart of the measurements against the fitted curves.
//
// Errors in the input (a missing file, a malformed CSV, benchmark output
// without results, fewer than three concurrency levels, an unknown flag) are
// reported on one line on stderr with exit status 1; -h on any command prints
// its usage and exits 0.
package main
