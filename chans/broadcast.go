package chans

import (
	"context"
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
	outs, _ := broadcast(ctx, in, n, 0, false)
	return outs
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
	outs, _ := broadcast(ctx, in, n, buffer, false)
	return outs
}

// BroadcastDropping is like BroadcastBuffered, except that nothing waits for a
// slow consumer: a value that finds a consumer's queue full is dropped for
// that consumer (the newest value is lost, the queued ones are kept) and
// counted in the returned Drops. The consumers that keep up receive every
// value, and in is read as fast as it is written. Use it for live data where
// a late value is worthless, such as progress reports or metrics.
//
// BroadcastDropping panics if n < 1 or buffer < 0.
func BroadcastDropping[T any](ctx context.Context, in <-chan T, n, buffer int) ([]<-chan T, *Drops) {
	checkCtx("BroadcastDropping", ctx)
	checkOutputs("BroadcastDropping", n)
	checkBuffer("BroadcastDropping", buffer)
	return broadcast(ctx, in, n, buffer, true)
}

// Drops counts, per output, the values BroadcastDropping dropped. It may be
// read at any time; once every output is closed the counts are final (after
// ctx ends, the outputs close at once while the distributor may still count a
// last drop).
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

// broadcast is the engine of the three Broadcast forms. A distributor
// goroutine puts each value into every output's queue (a channel of capacity
// buffer) and a relay goroutine per output moves the queue to the output.
// With buffer 0 the distributor's put succeeds only when the relay has handed
// over the previous value, which keeps the consumers within one value of each
// other while letting them receive in any order. If dropping, a put that would
// block drops the value for that output instead.
func broadcast[T any](ctx context.Context, in <-chan T, n, buffer int, dropping bool) ([]<-chan T, *Drops) {
	queues := make([]chan T, n)
	outs := make([]<-chan T, n)
	var drops *Drops
	if dropping {
		drops = &Drops{counts: make([]atomic.Int64, n)}
	}
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
			for i, q := range queues {
				if !dropping {
					if !send(done, q, v) {
						return
					}
					continue
				}
				select {
				case q <- v:
				default:
					drops.counts[i].Add(1)
				}
			}
		}
	}()
	return outs, drops
}

func checkOutputs(op string, n int) {
	if n < 1 {
		panic("chans: " + op + " with n < 1")
	}
}

func checkBuffer(op string, buffer int) {
	if buffer < 0 {
		panic("chans: " + op + " with buffer < 0")
	}
}
