package dsync

// A Fence describes one holding: a lock, a read lock or permits granted to
// the caller. Its zero value describes no holding.
type Fence struct {
	token int64
	done  <-chan struct{}
}

// Token returns the fencing token of the holding: the etcd revision at which
// it was granted. Every later grant of the same primitive has a larger token,
// so a storage service that remembers the largest token it has accepted can
// reject a write from a holder that lost its lease while paused.
func (f Fence) Token() int64 { return f.token }

// Done returns a channel that is closed when the lease behind the holding
// ends: it expired, was revoked, or its session was closed. From then on
// another process may be granted what this holding had. Done does not close
// on Unlock or Release. A holder that sees Done closed must stop using what
// it held; one that cannot see it in time (paused, partitioned) is why
// storage should check the Token.
func (f Fence) Done() <-chan struct{} { return f.done }
