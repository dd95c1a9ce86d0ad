package dsync

import (
	"errors"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
)

// ErrWouldBlock is returned by TryLock, TryRLock and TryAcquire when the
// holding cannot be granted at once. Nothing is left in etcd.
var ErrWouldBlock = errors.New("dsync: would block")

// ErrSessionLost is returned when the lease of the session behind a call
// ended (expired, revoked or closed) before or while the call waited, and by
// Unlock and Release when the holding they would end was already lost with
// its lease.
var ErrSessionLost = errors.New("dsync: session lease lost")

// ErrBrokenBarrier is returned by Barrier.Await when the round the caller
// took part in was broken: another party's context ended or its session was
// lost while it waited, or Reset was called.
var ErrBrokenBarrier = errors.New("dsync: barrier is broken")

// ErrMismatch is returned when processes use one name with different
// settings (permits, policy, parties or count), or when keys under a
// primitive's prefix were not written by dsync. The call leaves the other
// processes' state as it was. A request with other settings keeps its key in
// etcd for a moment before it fails; a request that reads the queue
// meanwhile (on arrival, or again while it waits) and finds that key the
// oldest under the primitive's prefix fails with ErrMismatch too (trying
// again succeeds once the key is gone).
var ErrMismatch = errors.New("dsync: primitive settings differ between processes")

// leaseErr turns etcd's refusal of a write attached to a lease that no
// longer exists into ErrSessionLost: the session learns that its lease
// ended only at its next keep-alive, but the write already tells.
func leaseErr(err error) error {
	if errors.Is(err, rpctypes.ErrLeaseNotFound) {
		return ErrSessionLost
	}
	return err
}
