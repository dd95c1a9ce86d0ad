// Package scale models how a program speeds up when it is given more
// goroutines, cores or clients, and fits those models to measurements.
//
// A measurement is a Point: a concurrency N (goroutines, GOMAXPROCS, clients)
// and the throughput X observed at that concurrency (work units per second).
// The speed-up at N is X(N)/X(1) and the efficiency is speed-up/N: 1 means
// every added unit of concurrency contributes fully, 0.5 means half of it is
// lost to waiting or to keeping shared data consistent.
//
// # Amdahl's law: the serial part caps the speed-up
//
// If a fraction s of the work must run serially (under one lock, in one
// goroutine that feeds the others) and the rest divides perfectly, the
// speed-up on n workers is
//
//	S(n) = 1 / (s + (1-s)/n)
//
// which never exceeds 1/s however large n grows: with s = 0.05 twenty cores
// give less than 10.3x and a thousand cores give less than 20x. Amdahl
// computes S(n); FitAmdahl estimates s from measured throughput. For a
// programmer the lesson is that the critical section, not the core count,
// decides the ceiling: halving the time a lock is held raises it, adding
// goroutines does not.
//
// # Gustafson's law: grow the problem with the machine
//
// Amdahl fixes the problem size. When the work grows with the machine (more
// requests, a larger image, more files) the serial part stays the same while
// the parallel part grows, and the scaled speed-up is
//
//	S(n) = n - s(n-1)
//
// which grows without bound. Gustafson computes it. The two laws are not in
// conflict: Amdahl answers "how much faster is this job", Gustafson "how much
// more work fits in the same time".
//
// # Karp–Flatt: the serial fraction you actually measured
//
// Given a measured speed-up S on n workers, the Karp–Flatt metric
//
//	e = (1/S - 1/n) / (1 - 1/n)
//
// is the serial fraction that Amdahl's law would need to explain it.
// KarpFlatt computes it per measurement. If e stays constant as n grows, the
// limit is a fixed serial part; if e grows with n, the cost is overhead that
// itself grows with concurrency (contention, cache-line traffic, chatty
// message passing), which Amdahl's law does not model and the USL does.
//
// # The universal scalability law (USL)
//
// Neil Gunther's USL adds a second, quadratic penalty to Amdahl's law:
//
//	X(n) = λn / (1 + σ(n-1) + κn(n-1))
//
// λ (Lambda) is the throughput of one unit of concurrency, σ (Sigma) the
// contention — the share of time spent queueing for something shared, as in
// Amdahl — and κ (Kappa) the coherency delay: the cost of every pair of
// workers agreeing on shared state (cache lines bouncing between cores,
// messages exchanged between all goroutines). With κ = 0 the USL is Amdahl's
// law; with κ > 0 throughput peaks at n* = sqrt((1-σ)/κ) (USL.Peak) and then
// falls: adding goroutines makes the program slower.
//
// FitUSL estimates σ, κ and λ from measurements by non-linear least squares
// on throughput, with σ and κ constrained to be non-negative; FitUSLReport
// also returns the coefficient of determination R². The fit starts from
// Gunther's linearised estimate and refines it with a bounded
// Levenberg–Marquardt iteration, because the linearised estimate alone weighs
// the measurements unevenly and is biased. The fits need at least three
// distinct concurrency levels and positive values; they return an error, not
// a panic, otherwise.
//
// # Analyze: what the measurements can and cannot show
//
// Analyze is the whole analysis in one call, for measurements that were
// repeated. Each Sample gives a concurrency N, the processors that level
// could actually use (N goroutines on P cores have min(N, P)) and the
// throughput of every repetition. Analyze reports per level the median with
// the range of the repetitions, the speed-up against the measured X(1), and
// efficiency and Karp–Flatt per processor, not per goroutine. Levels with
// more goroutines than processors are time-sharing, not contention: they are
// shown and left out of the fits.
//
// It fits the USL to every repetition and Amdahl's law to the speed-ups,
// anchored at X(1) so that its limit is exactly 1/σ, and gives each
// coefficient a standard error from the Jacobian and a 95% interval. The
// fits count their degrees of freedom: three levels determine the three USL
// coefficients exactly, so nothing is left to test the shape, and no peak is
// claimed from them. The verdict (Regime) names the law the data support —
// linear, contention, coherency, a measured fall after a peak — or says that
// they cannot tell; Caveats say why in words a report can print.
package scale
