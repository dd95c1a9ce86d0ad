package chans

import (
	"context"
	"github.com/concurkit/concur/internal/check"
	"time"
)

// Batch groups the values received from in into slices of up to size values,
// in input order. A batch is sent when it holds size values, or when maxWait
// has passed since its first value arrived, whichever comes first; maxWait <= 0
// means batches are cut by size alone. When in is closed the last, possibly
// partial, batch is sent and the channel is closed. If ctx ends, the channel
// is closed at once and a partial batch is discarded.
//
// Each batch is a new slice that belongs to the receiver. While a batch waits
// for its consumer Batch does not read in, so a slow consumer slows the
// producer rather than letting batches pile up.
//
// Batch panics if size < 1.
func Batch[T any](ctx context.Context, in <-chan T, size int, maxWait time.Duration) <-chan []T {
	checkCtx("Batch", ctx)
	if size < 1 {
		check.Misuse("chans", "Batch", "with size < 1")
	}
	out := make(chan []T)
	go func() {
		defer close(out)
		done := ctx.Done()
		var (
			batch []T
			timer *time.Timer
			tick  <-chan time.Time // nil (never ready) while no batch is pending
		)
		if maxWait > 0 {
			timer = time.NewTimer(maxWait)
			timer.Stop()
			defer timer.Stop()
		}
		// flush sends the pending batch; since Go 1.23 a stopped timer delivers
		// no stale tick, so stopping it is enough to forget the deadline.
		flush := func() bool {
			if timer != nil {
				timer.Stop()
				tick = nil
			}
			b := batch
			batch = nil
			return send(done, out, b)
		}
		for {
			if ended(done) { // as recv does: take nothing once ctx has ended
				return
			}
			select {
			case <-done:
				return
			case v, ok := <-in:
				if !ok {
					if len(batch) > 0 {
						flush()
					}
					return
				}
				if batch == nil {
					batch = make([]T, 0, min(size, 1024))
					if timer != nil {
						timer.Reset(maxWait)
						tick = timer.C
					}
				}
				batch = append(batch, v)
				if len(batch) == size && !flush() {
					return
				}
			case <-tick:
				if !flush() {
					return
				}
			}
		}
	}()
	return out
}
