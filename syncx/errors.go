package syncx

import "errors"

// ErrBrokenBarrier is returned by Barrier.Await when the round the caller took
// part in was broken: another party's context ended while it waited, Reset was
// called, or the barrier action panicked.
var ErrBrokenBarrier = errors.New("syncx: barrier is broken")

// ErrClosed is returned by Queue.Put once the queue is closed, and by
// Queue.Take once the queue is closed and empty.
var ErrClosed = errors.New("syncx: queue is closed")
