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
// Every method that takes a context (Mutex.LockContext, RWMutex.LockContext
// and RLockContext, Cond.Wait, Semaphore.Acquire, WaitGroup.WaitContext,
// Barrier.Await, Latch.Wait, Queue.Put and Queue.Take) follows one rule:
//
//   - A wait whose ctx ended before the wait was satisfied returns ctx.Err()
//     and holds nothing: no lock, permit, value or wake-up is held by the
//     caller, and none is lost. A grant that raced the cancellation is passed
//     on: a lock or permits go to the next waiter, a Queue value stays for the
//     next Take (a Put or Take skips a waiter whose ctx has ended), and a
//     Signal wakes the next Cond waiter.
//   - In particular, a ctx that is already done when the method is called
//     makes it return ctx.Err() at once, without blocking, even if the wait
//     is already satisfied: a free lock, available permits, room or a value
//     in a Queue, an open Latch, a WaitGroup at zero: the end of the context
//     happened before the call, so before anything the call could obtain.
//     Use TryLock, TryAcquire, TryPut, TryTake, Latch.Count or
//     WaitGroup.TryWait to look without a context.
//   - The result is exact: nil means the caller holds what it waited for
//     and its ctx had not ended before the wait was satisfied; ctx.Err()
//     means it holds nothing. If ctx ends while a satisfied wait is still
//     returning, the method may report ctx.Err() and pass the grant on.
//
// Cond.Wait holds L again when it returns, also on error. Barrier.Await with
// a ctx that ends breaks the round for every party, as documented there; a
// recorded task panic is re-raised by WaitContext even when its ctx ended.
// Every such method panics if its ctx is nil.
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
// Programming errors panic at once with a message that starts with "syncx:",
// before the call changes anything, so a recovered panic leaves the value as
// it was: unlocking an unlocked Mutex or RWMutex, RUnlock without RLock,
// NewCond with a nil Locker, Cond.Wait without holding L (the panic of L's
// Unlock goes on, and no waiter is left behind), NewRWMutex with an unknown
// Policy, negative counts and weights, a Semaphore.Release that would
// overflow the count, a Barrier of no parties, and a nil context.
package syncx
