package chans

import (
	"context"
	"github.com/concurkit/concur/internal/check"
	"sync/atomic"
)

// batchCap is the most items an OrderedMap batch holds. The goroutines of the
// stage hand each other whole batches, so their hand-offs are paid per batch
// rather than per item. The stage recycles orderedBatches(workers) batches
// and the dealer holds one item while it waits for one, which gives the bound
// OrderedMap states: orderedBatches(workers)*batchCap+1 = 64*workers+65.
const batchCap = 32

// orderedBatch is a run of consecutive input items and, once a worker has
// mapped them, their results. The stage recycles a fixed set of batches, so it
// allocates nothing per item.
//
// A batch changes hands through channels, except while it is open: from the
// dealer's first item until a worker seals it, the dealer may still append
// items to a batch that already sits in the worker's input lane. published
// settles the race between the two: the dealer publishes items[n] by moving
// published from n to n+1, the worker seals the batch by swapping published to
// -1, and an item the dealer wrote but failed to publish belongs to the next
// batch.
type orderedBatch[T, R any] struct {
	published atomic.Int64
	items     []T // len batchCap; items[:published] are the batch
	results   []R
}

// add appends v to the open batch b and reports whether it could: false if a
// worker has sealed b or b is full.
func (b *orderedBatch[T, R]) add(v T) bool {
	n := b.published.Load()
	if n < 0 || n == batchCap {
		return false
	}
	b.items[n] = v
	if b.published.CompareAndSwap(n, n+1) {
		return true
	}
	// Sealed meanwhile with n items: items[n] is the dealer's alone.
	var zero T
	b.items[n] = zero
	return false
}

// seal closes b to the dealer and returns the items it holds. b stays sealed
// until the dealer reopens it as a new batch, so the dealer's add on a batch it
// has dealt fails even after the batch has been recycled.
func (b *orderedBatch[T, R]) seal() []T {
	return b.items[:b.published.Swap(-1)]
}

// OrderedMap applies f to the values received from in on workers goroutines
// at once and returns the results in input order.
//
// A dealer goroutine gathers the items of in into batches and deals the
// batches round-robin to the workers; each worker maps its batch in order and
// passes it to a collector that reads the workers in the same rotation and
// emits the results one by one. Dealing and collecting in the same rotation
// keeps the input order without sequence numbers or reordering buffers. A
// batch goes to its worker with its first item and grows until the worker
// starts on it (or it holds 32 items), so a batch never waits to fill:
// batches grow only while the workers are behind, which is when fewer,
// larger hand-offs pay. A slow consumer holds the stage back: never more than
// 64*workers+65 items have been received from in and not yet delivered. An
// item whose f is slow holds back the delivery of the items after it, as any
// ordered map must.
//
// The channel is closed once in is closed and every result has been
// delivered, or as soon as ctx ends. OrderedMap panics if f is nil.
func OrderedMap[T, R any](ctx context.Context, in <-chan T, workers int, f func(T) R) <-chan R {
	checkCtx("OrderedMap", ctx)
	workers = check.Workers(workers)
	checkNil("OrderedMap", f == nil, "function")
	return orderedMap(ctx, in, workers, func(v T) (R, bool) { return f(v), true }, goSpawn, nil)
}

// orderedBatches is how many batches an OrderedMap stage recycles: enough for
// each worker to map one while the next one waits in its lane, and for the
// collector to emit one while the next one waits for it.
func orderedBatches(workers int) int { return 2*workers + 2 }

// orderedMap is OrderedMap with a function that may fail: a worker whose f
// reports false drops its batch and exits, which closes its output lane and
// so ends the output before that batch (the failure has been recorded and the
// stage's context cancelled elsewhere). stop, if not nil, runs after the
// collector has exited.
func orderedMap[T, R any](ctx context.Context, in <-chan T, workers int, f func(T) (R, bool), spawn spawner, stop func()) <-chan R {
	type batch = orderedBatch[T, R]
	out := make(chan R)
	// free holds the batches made and not in use, at most nb, so returning
	// one never blocks. The dealer makes them as it needs them, so a short
	// stream does not pay for nb.
	nb := orderedBatches(workers)
	free := make(chan *batch, nb)
	made := 0
	newBatch := func() *batch {
		made++
		return &batch{items: make([]T, batchCap), results: make([]R, 0, batchCap)}
	}
	ins := make([]chan *batch, workers)
	outs := make([]chan *batch, workers)
	for i := range workers {
		ins[i] = make(chan *batch, 1)
		outs[i] = make(chan *batch, 1)
	}

	// Dealer: adds each item to the open batch, or opens the next batch with
	// it and deals that to the next worker in the rotation. It closes every
	// input lane at the end, so each worker sees the end of its share.
	spawn(func() {
		defer func() {
			for _, c := range ins {
				close(c)
			}
		}()
		done := ctx.Done()
		var b *batch
		for i := 0; ; i = next(i, workers) {
			v, ok := inRecv(done, in)
			for ok && b != nil && b.add(v) {
				v, ok = inRecv(done, in)
			}
			if !ok {
				return
			}
			select {
			case b = <-free:
			default:
				if made < nb {
					b = newBatch()
				} else if b, ok = recv(done, free); !ok {
					return
				}
			}
			b.items[0] = v
			b.published.Store(1)
			if !laneSend(done, ins[i], b) {
				return
			}
		}
	})

	for i := range workers {
		lin, lout := ins[i], outs[i]
		spawn(func() {
			defer close(lout)
			done := ctx.Done()
			for {
				b, ok := laneRecv(done, lin)
				if !ok {
					return
				}
				items := b.seal()
				for _, v := range items {
					// A batch may hold many items: do not start on the
					// rest of it once ctx has ended.
					if ended(done) {
						return
					}
					r, ok := f(v)
					if !ok {
						return
					}
					b.results = append(b.results, r)
				}
				clear(items) // the stage needs the items no more
				if !laneSend(done, lout, b) {
					return
				}
			}
		})
	}

	// Collector: reads the output lanes in the dealing order. The first lane
	// found closed and empty is the lane that would have carried the next
	// batch, so there is no next batch: the output is complete.
	spawn(func() {
		defer close(out)
		if stop != nil {
			defer stop()
		}
		done := ctx.Done()
		for i := 0; ; i = next(i, workers) {
			b, ok := laneRecv(done, outs[i])
			if !ok || ended(done) {
				return
			}
			for _, r := range b.results {
				if ended(done) || !laneSend(done, out, r) {
					return
				}
			}
			clear(b.results)
			b.results = b.results[:0]
			free <- b // still sealed: the dealer reopens it
		}
	})
	return out
}

// laneSend and laneRecv try the channel operation alone first and fall back
// to a select on done only when it would block. OrderedMap's lanes are usually
// ready (they are buffered and their other end is a goroutine of the same
// stage), and so are its input and output while the stream flows; the
// one-case form avoids locking done, a channel that every goroutine of the
// pipeline shares. Cancellation stays prompt: a goroutine of the stage that
// would block selects on done, and the dealer and the collector, which take
// from in and deliver to out, look at done (ended, which takes no lock) before
// each item, as send and recv do.
func laneSend[T any](done <-chan struct{}, lane chan<- T, v T) bool {
	select {
	case lane <- v:
		return true
	default:
		return send(done, lane, v)
	}
}

func laneRecv[T any](done <-chan struct{}, lane <-chan T) (T, bool) {
	select {
	case v, ok := <-lane:
		return v, ok
	default:
		return recv(done, lane)
	}
}

// inRecv is laneRecv for the dealer's input: it takes nothing once ctx has
// ended.
func inRecv[T any](done <-chan struct{}, in <-chan T) (T, bool) {
	if ended(done) {
		var zero T
		return zero, false
	}
	return laneRecv(done, in)
}

func next(i, n int) int {
	if i++; i == n {
		return 0
	}
	return i
}
