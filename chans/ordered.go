package chans

import "context"

// laneBuffer is the capacity of each worker's input and output lane in
// OrderedMap. Bigger lanes let the goroutines run longer between hand-offs
// (more throughput) at the price of more items buffered; see OrderedMap for
// the resulting bound.
const laneBuffer = 8

// OrderedMap applies f to the values received from in on workers goroutines
// at once and returns the results in input order.
//
// The work is dealt round-robin: a dispatcher goroutine hands item k to
// worker k mod workers through that worker's input lane, each worker sends
// its results to its own output lane, and a collector reads the output lanes
// in the same round-robin order. Because dealing and collecting follow the
// same rotation, the results come out in input order without sequence
// numbers, reordering buffers or per-item allocation; the lanes are bounded
// channels created once per call. At most workers*(2*laneBuffer+1)+2 items
// (laneBuffer is 8) have been received from in and not yet delivered, so a
// slow consumer holds back the workers after O(workers) items. An item whose
// f is slow holds back the delivery of the items after it, as any ordered
// map must.
//
// The channel is closed once in is closed and every result has been
// delivered, or as soon as ctx ends. OrderedMap panics if workers < 1 or f is
// nil.
func OrderedMap[T, R any](ctx context.Context, in <-chan T, workers int, f func(T) R) <-chan R {
	checkCtx("OrderedMap", ctx)
	checkWorkers("OrderedMap", workers)
	checkNil("OrderedMap", f == nil)
	return orderedMap(ctx, in, workers, func(v T) (R, bool) { return f(v), true }, goSpawn, nil)
}

// orderedMap is OrderedMap with a function that may fail: a worker whose f
// reports false exits, which closes its output lane and so ends the output
// early (the failure has been recorded and the stage's context cancelled
// elsewhere). stop, if not nil, runs after the collector has exited.
func orderedMap[T, R any](ctx context.Context, in <-chan T, workers int, f func(T) (R, bool), spawn spawner, stop func()) <-chan R {
	out := make(chan R)
	ins := make([]chan T, workers)
	outs := make([]chan R, workers)
	for i := range workers {
		ins[i] = make(chan T, laneBuffer)
		outs[i] = make(chan R, laneBuffer)
	}

	// Dispatcher: deals items round-robin and closes every input lane at the
	// end, so each worker sees the end of its share.
	spawn(func() {
		defer func() {
			for _, c := range ins {
				close(c)
			}
		}()
		done := ctx.Done()
		for i := 0; ; i = next(i, workers) {
			v, ok := recv(done, in)
			if !ok || !laneSend(done, ins[i], v) {
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
				v, ok := laneRecv(done, lin)
				if !ok {
					return
				}
				r, ok := f(v)
				if !ok || !laneSend(done, lout, r) {
					return
				}
			}
		})
	}

	// Collector: reads the output lanes in the dealing order. The first lane
	// found closed and empty is the lane that would have carried the next
	// item, so there is no next item: the output is complete.
	spawn(func() {
		defer close(out)
		if stop != nil {
			defer stop()
		}
		done := ctx.Done()
		for i := 0; ; i = next(i, workers) {
			r, ok := laneRecv(done, outs[i])
			if !ok || !send(done, out, r) {
				return
			}
		}
	})
	return out
}

// laneSend and laneRecv try the lane operation alone first and fall back to
// a select on done only when it would block. A lane is usually ready (it is
// buffered and its other end is a goroutine of the same stage), and the
// one-case form avoids locking done, a channel that every goroutine of the
// pipeline shares. Cancellation stays prompt: each goroutine of the stage
// also blocks somewhere on a select with done, or waits for one that does.
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

func next(i, n int) int {
	if i++; i == n {
		return 0
	}
	return i
}
