package syncx

import (
	"context"
	"sync"
)

// Barrier is a cyclic barrier: a fixed number of parties wait at it for each
// other, and when the last one arrives they are all released together and the
// barrier is ready for the next round. A Barrier can be used for any number of
// rounds.
//
// A round can break: when the context of a waiting party ends, when Reset is
// called, or when the barrier action panics, every party waiting in that round
// returns ErrBrokenBarrier and Broken reports true. The next call to Await
// starts a fresh round; a party of the broken round that had not arrived yet
// would start it too, so after a break the parties usually stop or agree on a
// restart by other means.
//
// A Barrier must be created with NewBarrier and must not be copied after first
// use. In the terminology of the Go memory model, every party's call to Await
// in a round, and the action, synchronize before any Await of that round
// returns.
type Barrier struct {
	_ noCopy

	parties int
	action  func()

	mu     sync.Mutex
	round  *barrierRound // the round that arrivals join; guarded by mu
	broken bool          // the last round broke and no arrival has come since
}

// barrierRound is one round. Its channel is made by the round's first arrival,
// so parties block on a channel made when their wait begins (they are durably
// blocked in a testing/synctest bubble), and a late cancellation can only
// reach the round it belongs to, never the next one.
type barrierRound struct {
	count  int           // parties arrived so far
	done   chan struct{} // closed when the round completes or breaks
	broken bool          // written before done is closed
}

// NewBarrier returns a barrier for the given number of parties. If action is
// not nil, it runs once per round, in the goroutine of the last party to
// arrive, after all parties have arrived and before any of them is released.
// The action must not call methods of the barrier it belongs to except
// Parties. NewBarrier panics if parties is less than 1.
func NewBarrier(parties int, action func()) *Barrier {
	if parties < 1 {
		panic("syncx: NewBarrier with fewer than 1 party")
	}
	return &Barrier{parties: parties, action: action, round: &barrierRound{}}
}

// Await waits until all parties have called Await in the current round, or the
// round breaks, or ctx ends.
//
// It returns the arrival index of the caller: Parties()-1 for the first to
// arrive and 0 for the last, which is also the one that runs the action. If
// the round breaks, Await returns ErrBrokenBarrier. If ctx ends (or has ended
// on entry) before the round completes, Await breaks the round for every party
// and returns ctx.Err(); a ctx that ends after the round completed changes
// nothing, neither for this round nor for the next.
//
// If the action panics, the round breaks (the other parties get
// ErrBrokenBarrier) and the panic continues in the goroutine of the last
// arrival, out of its Await.
func (b *Barrier) Await(ctx context.Context) (arrival int, err error) {
	done := ctx.Done()
	b.mu.Lock()
	r := b.round
	if done != nil {
		select {
		case <-done:
			// A party that cannot wait breaks the round it would join, if
			// anybody waits in it.
			if r.count > 0 {
				b.breakLocked()
			}
			b.mu.Unlock()
			return 0, ctx.Err()
		default:
		}
	}
	r.count++
	b.broken = false
	arrival = b.parties - r.count
	if arrival == 0 {
		// Last arrival: open the next round for new arrivals, run the action
		// without the lock (so it may take as long as it needs), then release
		// this round.
		b.round = &barrierRound{}
		b.mu.Unlock()
		if b.action != nil {
			b.runAction(r)
		}
		if r.done != nil {
			close(r.done)
		}
		return 0, nil
	}
	if r.done == nil {
		r.done = make(chan struct{})
	}
	b.mu.Unlock()

	if done == nil {
		<-r.done
	} else {
		select {
		case <-r.done:
		case <-done:
			b.mu.Lock()
			if b.round == r {
				// Still gathering: this party's ctx breaks the round.
				b.breakLocked()
				b.mu.Unlock()
				return 0, ctx.Err()
			}
			b.mu.Unlock()
			// The round had already completed or broken when ctx ended; its
			// outcome stands. It is settled once the last arrival's action
			// has returned.
			<-r.done
		}
	}
	if r.broken {
		return 0, ErrBrokenBarrier
	}
	return arrival, nil
}

// runAction runs the action for round r; if it panics, r is broken before the
// panic goes on.
func (b *Barrier) runAction(r *barrierRound) {
	ok := false
	defer func() {
		if !ok {
			b.mu.Lock()
			r.broken = true
			b.broken = true
			b.mu.Unlock()
			if r.done != nil {
				close(r.done)
			}
		}
	}()
	b.action()
	ok = true
}

// breakLocked breaks the current round: its parties are released with
// ErrBrokenBarrier and later arrivals start a new round. b.mu is held.
func (b *Barrier) breakLocked() {
	r := b.round
	r.broken = true
	if r.done != nil {
		close(r.done)
	}
	b.round = &barrierRound{}
	b.broken = true
}

// Reset breaks the current round if any party waits in it (those parties
// return ErrBrokenBarrier), and leaves the barrier ready for a new round. It
// may be called at any time.
func (b *Barrier) Reset() {
	b.mu.Lock()
	if b.round.count > 0 {
		b.breakLocked()
	}
	b.mu.Unlock()
}

// Parties returns the number of parties the barrier was created for.
func (b *Barrier) Parties() int {
	return b.parties
}

// Waiting returns the number of parties waiting in the current round.
func (b *Barrier) Waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.round.count
}

// Broken reports whether the last round broke (a party's context ended, Reset
// broke it, or the action panicked) and no party has arrived since to start a
// new one.
func (b *Barrier) Broken() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.broken
}
