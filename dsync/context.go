package dsync

import "context"

func checkContext(ctx context.Context) {
	if ctx == nil {
		panic("dsync: nil Context")
	}
}
