// Package pool runs many small pieces of work on a bounded number of
// goroutines: a Pool for tasks submitted one at a time, and ForEach, Map,
// ForEachSeq and MapSeq for applying a function to every element of a slice
// or sequence in parallel.
//
// # Choosing between a pool, goroutines and a pipeline
//
// Plain goroutines with a WaitGroup (sync.WaitGroup, or syncx.WaitGroup when
// a panic in one of them should reach the waiting goroutine) are the right
// tool when the number of goroutines is small and known, or naturally bounded
// by the problem: one per connection, one per shard, one per CPU. A goroutine
// costs a few kilobytes of stack and a fraction of a microsecond to start, so
// a goroutine per item is also fine for a few thousand items that each do real
// work.
//
// A pool is the right tool when the number of items is large or unbounded and
// they must not all run at once: because each one holds a connection, a file,
// memory, or a slot of some remote service's rate limit, or because starting a
// goroutine per item would cost more than the item itself. New(workers) fixes
// how many run at once; Go queues a bounded number more and then blocks the
// producer until a task finishes, which is the back-pressure that keeps a fast
// producer from queuing work without bound. ForEach and Map add what a batch
// job usually wants on top: the first error cancels the rest, all errors are
// reported, and results come back in input order.
//
// A pipeline of channels (package chans) is the right tool when the work is a
// sequence of stages, each with its own concurrency, and values should stream
// through them: results flow on before the whole input has been read, and
// each stage can be a different shape (filter, batch, fan out, merge). A pool
// is one stage, applied to a whole input, whose results you want together.
//
// # Cost
//
// A Pool starts its worker goroutines lazily, up to workers, and keeps them
// until Wait. Go passes a task to the workers through a buffered channel (the
// queue of waiting tasks), so while it is neither empty nor full neither Go
// nor a worker has to park and wake the other: a task costs about one buffered
// channel send and receive and allocates nothing beyond the task's own
// closure. ForEach and Map need no handoff at all: their workers
// claim runs of consecutive items from a shared atomic counter, so even a
// trivial f over a million items is dominated by f and the results slice.
//
// # Guarantees
//
// Every function of the package takes the concurrency as an argument named
// workers: never more than workers tasks or calls of f run at once, and
// workers <= 0 means runtime.GOMAXPROCS(0), the number of goroutines that can
// run in parallel (package chans follows the same rule). A Pool also bounds
// the tasks that wait to run (see Pool).
//
// The context of ForEach and the others is looked at before every item: once
// it has ended (or the call has stopped on an error or a panic) no item
// starts and no value is pulled from a sequence, so a call whose context has
// already ended calls nothing and returns context.Cause(ctx) (nil for an
// empty slice, which has nothing to skip). An item that started before the
// end runs to completion and its result is kept.
//
// A panic is never swallowed and never flattened into a string: it is re-raised
// in the goroutine that waits (Pool.Wait, or the caller of ForEach and the
// others) as a *syncx.PanicError carrying the original value and the stack of
// the goroutine that panicked, once the other work has returned (only a panic
// in the cleanup of a sequence stopped early by an error is returned with that
// error instead, see ForEachSeq). No goroutine of the package outlives the call
// that waits for it, and importing the package starts none.
//
// A programming error (a nil task, function, sequence or context) panics at
// once with a message that starts with "pool: " and names the function.
package pool
