package syncx_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/concurkit/concur/syncx"
)

// A producer closes the queue when done; the consumer drains what is left and
// then gets ErrClosed, as with a channel.
func ExampleQueue() {
	q := syncx.NewQueue[string](2)
	ctx := context.Background()
	go func() {
		for _, s := range []string{"a", "b", "c"} {
			if err := q.Put(ctx, s); err != nil {
				return
			}
		}
		q.Close()
	}()
	for {
		v, err := q.Take(ctx)
		if errors.Is(err, syncx.ErrClosed) {
			fmt.Println("closed")
			return
		}
		fmt.Println(v)
	}
	// Output:
	// a
	// b
	// c
	// closed
}
