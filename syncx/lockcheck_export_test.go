//go:build concur_lockcheck

package syncx

// LockGraphSize exposes the size of the checker's state to the tests of the
// memory bound.
var LockGraphSize = lockcheckGraphSize
