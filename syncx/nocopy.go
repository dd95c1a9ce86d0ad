package syncx

import "github.com/concurkit/concur/internal/nocopy"

// noCopy is embedded as a blank field by the types of the package that must
// not be copied after first use, so that go vet's copylocks check reports
// copies. The marker is shared with the other packages of the module.
type noCopy = nocopy.NoCopy
