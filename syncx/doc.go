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
//     next Take (a Put or Take skips a waiter whose ctx has ended, and Close
//     gives such a waiter ctx.Err(), not ErrClosed), and a Signal wakes the
//     next Cond waiter.
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
// a ctx that ends breaks the round for every party, as documented there. A
// WaitContext that saw the counter reach zero re-raises a recorded task
// panic even if its ctx ended meanwhile (one whose ctx is already done when
// it is called returns ctx.Err() at once, as any other). Every such method
// panics if its ctx is nil.
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
//
// # Finding deadlocks
//
// Built with the tag concur_lockcheck (go test -tags concur_lockcheck
// ./...), syncx checks every acquisition of every Mutex and RWMutex,
// including the re-lock of L inside Cond.Wait, and reports the ways they can
// deadlock; LockCheckEnabled says whether the tag is on. Without the tag
// nothing is recorded and the lock paths are the same as without the checker.
// Locks are checked per instance; SetName gives one a name for the reports.
//
//   - Lock order (LockOrderCycle). Acquiring L while holding H records the
//     edge H -> L with the call sites of both acquisitions. When an
//     acquisition adds an edge that closes a cycle, of any length and over
//     edges recorded by any goroutines at any times, the shortest such cycle
//     is reported, before the acquisition blocks. The program need not have
//     deadlocked: the report says that goroutines taking these locks
//     concurrently can. A successful TryLock or TryRLock cannot block, so no
//     edge leads into the lock it takes, but locks acquired while it is held
//     record edges from it; a failed one records nothing.
//   - Recursive locking (RecursiveLock): acquiring a lock the goroutine
//     already holds in a way that can block on itself, reported before it
//     blocks.
//   - Live deadlocks (DeadlockCycle): goroutines blocked in Lock, RLock,
//     LockContext or RLockContext, each waiting for a lock another one of
//     them holds, are reported when the last of them is about to block,
//     with every goroutine's stack; no timeout is involved. With
//     SetLockWaitLimit, a wait longer than the limit is reported too
//     (LongWait), with the stack of the holder.
//
// Read locks count where they can block. On an RWMutex, a goroutine that
// waits for the lock in one mode is held back by a goroutine holding it in
// another mode as follows, and both the cycles of the lock order and
// recursive acquisitions are reported exactly for these combinations:
//
//	holds \ acquires   Lock            RLock
//	Lock              every policy    every policy
//	RLock             every policy    WriterPreferring and Fair
//
// A read lock holds back a reader only through a writer that queues between
// them: the writer waits for the first reader and, under WriterPreferring
// and Fair, the second waits behind the writer. So RLock of an RWMutex the
// goroutine holds for reading is reported under those two policies even if
// no writer waits at that moment (one may, in another run), and an order
// cycle that passes through an RWMutex held for reading and then acquired
// for reading is reported under them too; under ReaderPreferring, readers
// never wait for readers and neither is reported. LockContext and
// RLockContext count as Lock and RLock; one whose ctx is already done
// returns at once and records nothing, one whose ctx ends while it waits
// counts as an acquisition that failed, and one that takes the lock after its
// ctx ended, and so passes it on by the cancellation rule, counts as an
// acquisition followed at once by Unlock or RUnlock. A lock may be unlocked by another
// goroutine than the one that locked it: Unlock then ends the locker's hold.
// An RUnlock by a goroutine that holds no read lock of that RWMutex ends some
// reader's hold, and the checker cannot tell whose, so it forgets them all:
// it may then miss a problem with that lock, but it does not invent one.
//
// Each problem is reported once, identified by its kind and call sites, to
// the handler installed with OnLockReport; installing a handler starts a
// fresh memory of what was reported. The handler runs in the goroutine whose
// acquisition (or blocking) found the problem, with no lock of the checker
// held, so it may panic, call t.Fatal or use syncx locks. The default
// handler prints the report to standard error and panics with it.
//
// The checker is for tests and debugging builds: each acquisition reads the
// goroutine's id and stack and takes a global mutex, which costs
// microseconds (BENCHMARKS.md has the figures). Its graph has a node for
// each lock that is still alive, and the edges between them; it does not keep
// a lock from being collected, and the node of a lock that the garbage
// collector frees is dropped with its edges, so creating a lock per request
// does not make it grow.
package syncx
