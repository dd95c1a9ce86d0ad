package pool

// noCopy may be embedded in a struct that must not be copied after first use,
// so that go vet's copylocks check reports copies. It has no size.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}
