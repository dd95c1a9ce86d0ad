// Package experiments measures the classic claims of concurrent programming
// on the machine it runs on: that a thread is far cheaper to create than a
// process and a goroutine cheaper still, that switching between user-level
// threads is cheaper than between kernel threads or processes, that Amdahl's
// and Gustafson's laws disagree about the same code, that counters sharing a
// cache line slow each other down, and that message passing pays a fixed cost
// per message which larger messages amortise.
//
// Each Experiment is a data producer: it states its hypothesis (the textbook
// claim), runs, and returns plain series of measurements — for each point
// the independent variable N, the processors available and every
// repetition's value — with a verdict computed from those values and their
// spread. It knows nothing of how the lab prints or charts them.
//
// The process variants re-execute the running binary with the environment
// variable CONCUR_LAB_CHILD set; a program that runs them must call
// RunChildIfAsked first thing in main (and a test binary in TestMain).
package experiments
