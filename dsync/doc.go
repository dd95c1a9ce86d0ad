// Package dsync offers the coordination primitives of syncx — Mutex,
// RWMutex, Semaphore, Barrier and Latch, with contexts, FIFO order and
// reader/writer policies — across processes and machines, on etcd.
//
// etcd does the hard part: it orders every request through Raft, so all
// processes see the same history. dsync adds no consensus of its own. Each
// primitive is a small set of keys under its name, and each waiter decides
// from etcd's ordered history, never on another's behalf, whether it has
// been granted what it asked for.
//
// # Sessions, leases and TTL
//
// Every constructor takes a *concurrency.Session (go.etcd.io/etcd/client/v3/
// concurrency), made on the caller's own *clientv3.Client. A session holds an
// etcd lease and keeps it alive while the process runs. Every holding (a
// lock, a read lock, permits, a barrier arrival) is a key attached to that
// lease, so when the process dies, or is cut off from etcd, the lease
// expires after its TTL (concurrency.WithTTL; etcd's default is 60 seconds,
// a few seconds suit most uses) and etcd deletes the keys: what the process
// held is granted to the next waiter, and its barrier round breaks. Nothing
// stays held forever. A process that ends cleanly should close its session,
// which revokes the lease at once.
//
// # Fencing
//
// A lease cannot stop a process that holds a lock from acting after it lost
// it: a process paused by a long garbage collection, a swapped-out page or a
// stopped virtual machine can wake after its lease expired and another
// process was granted the lock, and still believe it holds it (the problem
// Martin Kleppmann described for Redlock). Each successful Lock, RLock and
// Acquire therefore returns a Fence. Fence.Token is the etcd revision of the
// grant and is larger for every later grant of the same primitive; a storage
// service that records the largest token it has seen and rejects writes
// carrying a smaller one stays safe whatever the pauses. Fence.Done closes
// when the lease behind the holding ends, so a holder that is not paused can
// stop in time.
//
// # Order and cancellation
//
// Mutex and Semaphore serve waiters strictly in arrival order, as etcd
// orders their requests; a Semaphore request for many permits is never
// overtaken by later requests for fewer. RWMutex follows its Policy, with
// the meanings of syncx. Every blocking call takes a context: if it ends
// before the grant, the call returns ctx.Err(), the request's key is
// deleted (nothing is left in etcd), and a grant that came at the same
// moment is passed on to the next waiter. A write to etcd that is already in
// flight when ctx ends is completed first (it is bounded by a few seconds),
// so that its effect can be undone. If etcd cannot be reached, the cleanup
// may fail; the lease then removes the key when it ends.
//
// # What you can count on
//
//   - Exclusion: a Mutex, or an RWMutex's write lock, is held by at most one
//     holder whose key exists in etcd; a Semaphore never grants more permits
//     than it has. A holder whose lease expired has lost its holding, whether
//     or not it has noticed: see Fencing.
//   - A crashed holder frees what it held within the session's TTL.
//   - Cancellation leaves no key behind (when etcd is reachable).
//   - Processes that use one name with different settings get ErrMismatch,
//     and do not disturb the state of those that came first. A name may not
//     contain a NUL byte; the keys of a primitive never share a prefix with
//     another primitive's, even when one name extends another.
//   - Misuse (a nil session, n < 1, parties < 1, Unlock of a handle that
//     holds nothing) panics at once with a message starting with "dsync:".
//
// # Cost
//
// Lock and Acquire take one etcd round trip (a transaction) when granted at
// once. A waiter opens a watch (plus one read if the queue moved meanwhile),
// receives an event when it may proceed, and takes one more round trip to
// claim its grant, which also yields its token. TryLock, TryRLock and
// TryAcquire look at the queue before they write: a try that the queue
// shows cannot be granted takes one round trip and writes nothing, so it
// does not stand in the way of other tries; one that can be granted takes
// two (one when the RWMutex is free of conflicting holders and waiters, up
// to three when its snapshot went stale). Unlock and Release take one round
// trip. Barrier.Await takes two or three
// (see its doc), Latch.CountDown one (two for the first countdown).
//
// # Testing
//
// Package dsync/dsynctest starts etcd inside a test process, on loopback
// ports picked at run time; against a real cluster the program passes its
// own *clientv3.Client.
package dsync
