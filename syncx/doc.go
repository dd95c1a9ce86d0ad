// Package syncx provides shared-memory synchronisation primitives that
// complement the standard sync package: mutexes and readers–writer locks
// whose waits can be abandoned through a context, readers–writer locks with a
// chosen fairness policy, a condition variable with a cancellable Wait, a
// weighted FIFO semaphore, a wait group that re-raises task panics, a cyclic
// barrier, a countdown latch and a blocking queue.
//
// Every blocking method either comes in a form that takes a
// context.Context first (Mutex.LockContext, RWMutex.RLockContext,
// Cond.Wait, Semaphore.Acquire, WaitGroup.WaitContext, Barrier.Await,
// Latch.Wait, Queue.Put and Queue.Take) or is the context-free twin of
// one that does (Lock, RLock, Wait). Zero values are ready to use where the
// standard library's are (Mutex, RWMutex, WaitGroup); the others have
// constructors that validate their arguments. A value must not be copied
// after first use; go vet reports copies.
//
// # Choosing a primitive
//
// Mutex guards state that one goroutine at a time may touch. Use it as
// sync.Mutex, and use LockContext when a caller must be able to give up
// (a request that times out while a slow holder runs). Like sync.Mutex it
// lets a running goroutine take a just-released lock before a waiter that is
// still being woken, which keeps throughput up under contention, and hands
// the lock directly to a waiter that has lost that race a few times, so no
// waiter starves.
//
// RWMutex lets many readers share the lock while a writer has it alone. It
// pays off only when reads dominate and critical sections are long enough
// that readers really overlap; otherwise a Mutex is cheaper. The Policy
// decides who waits for whom:
//
//   - WriterPreferring (the zero value, as sync.RWMutex): a waiting writer
//     holds back new readers, and the readers that were waiting when a
//     writer unlocks go before the next writer. Good read throughput, and
//     neither side starves.
//   - ReaderPreferring: readers enter whenever no writer holds the lock, even
//     while writers wait. The most read throughput, and a reader may take a
//     read lock it already holds, but a steady stream of overlapping readers
//     starves writers indefinitely. Choose it only when writes are rare and
//     may be delayed.
//   - Fair: strict arrival order; consecutive readers share the lock. The
//     longest wait is bounded by the work queued ahead, at the price of less
//     read parallelism when writers are frequent.
//
// Cond lets goroutines wait, under a lock, until a condition on shared state
// holds. Prefer a channel when a single event is announced; use Cond when
// many goroutines wait for different predicates over the same state, and
// Latch, Barrier or Queue when one of those fits the pattern exactly.
//
// Semaphore bounds how many units of a resource are in use (connections,
// memory); a request for n units is not overtaken by later smaller ones.
// WaitGroup waits for a set of goroutines, like sync.WaitGroup, and its Go
// method re-raises a task's panic in the waiting goroutine. Barrier makes a
// fixed number of goroutines meet at the end of every round of a phased
// computation. Latch lets goroutines wait until a count of events has
// happened, once. Queue is a blocking FIFO with channel-like close
// semantics, for producer–consumer hand-off with unbounded or bounded
// capacity and cancellable Put and Take.
//
// # Cancellation
//
// A method that takes a context returns ctx.Err() when the context ends
// before it could finish, and then leaves nothing behind: no lock, permit or
// item is held by the caller, and none is lost. When a grant races the
// cancellation, the primitive settles it one way, as documented per method:
// the locks give a lock granted too late back to the next waiter, while
// Cond.Wait reports the wake-up (returns nil) so that a Signal is never
// swallowed. A context that is already done makes these methods fail at once
// without blocking, even if the resource is free. Cond.Wait holds L again
// when it returns, also on error.
//
// # Testing with testing/synctest
//
// A goroutine blocked in any syncx wait is durably blocked in the sense of
// testing/synctest: inside a bubble, synctest.Wait returns once every
// goroutine waits on syncx primitives, and fake time advances to the next
// deadline of a context.WithTimeout. Code that uses syncx instead of
// sync.Mutex and sync.RWMutex can therefore be tested with fake time and
// without sleeps. The waits block on channels that belong to the bubble in
// which they were made, so, as with any channel, a primitive must not be
// shared between a bubble and goroutines outside it (or another bubble)
// while it is in use.
//
// # Misuse
//
// Programming errors panic at once with a message that starts with "syncx:":
// unlocking an unlocked Mutex or RWMutex, RUnlock without RLock, NewCond with
// a nil Locker, NewRWMutex with an unknown Policy, negative counts and
// weights, a Barrier of no parties.
package syncx
