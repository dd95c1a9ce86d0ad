package chans

import (
	"context"
	"github.com/concurkit/concur/internal/check"
	"sync/atomic"
)

// Broadcast returns n channels that each receive every value from in, in
// input order (each value is shared, not copied: broadcast values that the
// consumers will not modify, or copy them first).
//
// Consumers are kept in step: no consumer gets more than two values ahead of
// the slowest one (the distributor hands a value to the outputs in turn, and
// each output's relay holds one), so a slow or stalled consumer slows down every other one,
// as in the classic broadcast loop. Unlike that loop, the consumers may take
// a value in any order, so one goroutine may read the outputs in any order
// without deadlock. Use BroadcastBuffered to let a consumer fall behind by a
// bounded number of values, or BroadcastDropping for consumers that must
// never hold the others back.
//
// Every output is closed after in is closed and it has delivered every value,
// or as soon as ctx ends. Broadcast panics if n < 1.
func Broadcast[T any](ctx context.Context, in <-chan T, n int) []<-chan T {
	checkCtx("Broadcast", ctx)
	checkOutputs("Broadcast", n)
	return broadcast(ctx, in, n, 0)
}

// BroadcastBuffered is Broadcast with a queue of buffer values per consumer: a
// consumer may fall behind the fastest one by up to buffer+2 values, and a
// slow consumer holds back the others only when its queue is full. It is
// Broadcast when buffer is 0.
//
// BroadcastBuffered panics if n < 1 or buffer < 0.
func BroadcastBuffered[T any](ctx context.Context, in <-chan T, n, buffer int) []<-chan T {
	checkCtx("BroadcastBuffered", ctx)
	checkOutputs("BroadcastBuffered", n)
	checkBuffer("BroadcastBuffered", buffer)
	return broadcast(ctx, in, n, buffer)
}

// BroadcastDropping is like BroadcastBuffered, except that nothing waits for a
// slow consumer: up to buffer+1 values that a consumer has not received yet are
// held for it, and a value that finds buffer+1 already held is dropped for that
// consumer (the newest value is lost, the held ones are kept) and counted in
// the returned Drops. So a consumer waiting in receive when a value comes
// receives it, and a consumer never more than buffer+1 values behind receives
// every value; in is read as fast as it is written. Use it for live data where
// a late value is worthless, such as progress reports or metrics.
//
// Every output is closed after in is closed, once it has been given every value
// not dropped, or as soon as ctx ends (the values still held are then
// discarded). BroadcastDropping panics if n < 1 or buffer < 0.
func BroadcastDropping[T any](ctx context.Context, in <-chan T, n, buffer int) ([]<-chan T, *Drops) {
	checkCtx("BroadcastDropping", ctx)
	checkOutputs("BroadcastDropping", n)
	checkBuffer("BroadcastDropping", buffer)
	return broadcastDropping(ctx, in, n, buffer)
}

// Drops counts, per output, the values BroadcastDropping dropped. It may be
// read at any time; once the outputs are closed the counts are final.
type Drops struct {
	counts []atomic.Int64
}

// Count returns the number of values dropped for output i so far.
func (d *Drops) Count(i int) int64 { return d.counts[i].Load() }

// Total returns the number of values dropped for all outputs so far.
func (d *Drops) Total() int64 {
	var t int64
	for i := range d.counts {
		t += d.counts[i].Load()
	}
	return t
}

// broadcast is the engine of Broadcast and BroadcastBuffered. A distributor
// goroutine puts each value into every output's queue (a channel of capacity
// buffer) and a relay goroutine per output moves the queue to the output.
// With buffer 0 the distributor's put succeeds only when the relay has handed
// over the previous value, which keeps the consumers within one value of each
// other while letting them receive in any order.
func broadcast[T any](ctx context.Context, in <-chan T, n, buffer int) []<-chan T {
	queues := make([]chan T, n)
	outs := make([]<-chan T, n)
	for i := range n {
		q, out := make(chan T, buffer), make(chan T)
		queues[i], outs[i] = q, out
		go func() {
			defer close(out)
			done := ctx.Done()
			for {
				v, ok := recv(done, q)
				if !ok || !send(done, out, v) {
					return
				}
			}
		}()
	}
	go func() {
		// Closing a queue lets its relay deliver what is left, then close.
		defer func() {
			for _, q := range queues {
				close(q)
			}
		}()
		done := ctx.Done()
		for {
			v, ok := recv(done, in)
			if !ok {
				return
			}
			for _, q := range queues {
				if !send(done, q, v) {
					return
				}
			}
		}
	}()
	return outs
}

// broadcastDropping is the engine of BroadcastDropping. Its distributor puts
// each value straight into every output, a channel of capacity buffer+1, and
// drops it for an output whose channel is full. No goroutine stands between
// the distributor and a consumer: a relay that has not yet come back for the
// next value would make the put fail although the consumer is waiting.
func broadcastDropping[T any](ctx context.Context, in <-chan T, n, buffer int) ([]<-chan T, *Drops) {
	outs := make([]chan T, n)
	ro := make([]<-chan T, n)
	for i := range n {
		outs[i] = make(chan T, buffer+1)
		ro[i] = outs[i]
	}
	drops := &Drops{counts: make([]atomic.Int64, n)}
	go func() {
		done := ctx.Done()
		cancelled := false
		defer func() {
			for _, out := range outs {
				if cancelled {
					discard(out)
				}
				close(out)
			}
		}()
		for {
			if cancelled = ended(done); cancelled {
				return
			}
			var v T
			var ok bool
			select {
			case v, ok = <-in:
				if !ok {
					return
				}
			case <-done:
				cancelled = true
				return
			}
			for i, out := range outs {
				select {
				case out <- v:
				default:
					drops.counts[i].Add(1)
				}
			}
		}
	}()
	return ro, drops
}

// discard empties a buffered channel that only the calling goroutine sends
// on, without waiting.
func discard[T any](c chan T) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

func checkOutputs(op string, n int) {
	if n < 1 {
		check.Misuse("chans", op, "with n < 1")
	}
}

func checkBuffer(op string, buffer int) {
	if buffer < 0 {
		check.Misuse("chans", op, "with buffer < 0")
	}
}
