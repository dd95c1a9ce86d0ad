// Package nocopy holds the marker that concur's types embed so that go vet's
// copylocks check reports copies of values that must not be copied after
// first use.
package nocopy

// NoCopy may be embedded (as a blank field) in a struct that must not be
// copied after first use: its pointer has Lock and Unlock methods and its
// value does not, which is what the copylocks check looks for. It has no size.
type NoCopy struct{}

// Lock is a no-op used by the copylocks check.
func (*NoCopy) Lock() {}

// Unlock is a no-op used by the copylocks check.
func (*NoCopy) Unlock() {}
