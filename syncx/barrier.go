package syncx

import (
	"context"
	"sync"

	"github.com/concurkit/concur/internal/check"
)

// Barrier is a cyclic barrier: a fixed number of parties wait at it for each
// other, and when the last one arrives they are all released together and the
// barrier is ready for the next round. A Barrier can be used for any number of
// rounds.
//
// A round can break: when the context of a waiting party ends, when Reset is
// called, or when the barrier action panics, every party waiting in that round
// returns ErrBrokenBarrier (a party whose own ctx ended returns ctx.Err()).
// After a break by a context or the action, Broken reports true until Reset
// is called or a party arrives; after Reset it reports false at once. The
// next call to Await starts a fresh round; a party of the broken round that
// had not arrived yet would start it too, so after a break the parties
// usually stop or agree on a restart by other means.
//
// A waiting party parks at once. A parked party is durably blocked in the sense of
// testing/synctest: on a sync.Cond when its ctx can never end, otherwise on a
// channel made for its round while it waits. A stream of rounds whose
// contexts cannot end allocates nothing.
//
// A Barrier must be created with NewBarrier and must not be copied after first
// use. In the terminology of the Go memory model, every party's call to Await
// in a round, and the action, synchronize before any Await of that round
// returns.
type Barrier struct {
	_ noCopy

	parties int
	action  func()

	// mu guards everything below and every field of every round. A round's
	// parties read its outcome under mu, as the textbook sync.Cond barrier
	// does: measured, that costs less than reading it with atomics and
	// counting departures with atomics.
	mu     sync.Mutex
	round  *barrierRound // the round that arrivals join
	broken bool          // the last round broke and no arrival has come since

	// cond is where parties whose ctx can never end sleep, whatever their
	// round; its Broadcast wakes them all and each rechecks its own round.
	// Its Locker is mu.
	cond sync.Cond

	// spare is a round whose parties have all left Await, kept for reuse
	// so that a steady stream of rounds allocates nothing.
	spare *barrierRound
}

// barrierRound is one round; its fields are guarded by the Barrier's mu. A
// round object is reused only once every party that joined it has read its
// outcome (see departLocked), so a party only ever sees the state of its own
// round, and a late cancellation can reach only the round it belongs to,
// never the next one.
type barrierRound struct {
	count int    // parties arrived so far; final once the round ends
	state uint32 // barrierGathering until the round completes or breaks
	left  int    // parties that have finished with this round

	// ch is made by the first party of the round that waits with a ctx
	// that can end, so that it blocks on a channel made when its wait
	// began; it is closed when the round ends.
	ch chan struct{}

	// dones holds the ctx.Done() channels of the parties waiting in the
	// round whose ctx can end. The last arrival looks at them before it
	// completes the round: a party whose ctx ended first breaks the round
	// instead. Its storage is kept when the round is reused.
	dones []<-chan struct{}
}

const (
	barrierGathering uint32 = iota
	barrierReleased
	barrierBroken
)

// NewBarrier returns a barrier for the given number of parties. If action is
// not nil, it runs once per round, in the goroutine of the last party to
// arrive, after all parties have arrived and before any of them is released.
// The action must not call methods of the barrier it belongs to except
// Parties. NewBarrier panics if parties is less than 1.
func NewBarrier(parties int, action func()) *Barrier {
	if parties < 1 {
		panic("syncx: NewBarrier with fewer than 1 party")
	}
	b := &Barrier{parties: parties, action: action, round: &barrierRound{}}
	b.cond.L = &b.mu
	return b
}

// Await waits until all parties have called Await in the current round, or the
// round breaks, or ctx ends.
//
// It returns the arrival index of the caller: Parties()-1 for the first to
// arrive and 0 for the last, which is also the one that runs the action. If
// the round breaks, Await returns ErrBrokenBarrier.
//
// Await follows the package's cancellation rule. If ctx has ended when Await
// is called, it returns ctx.Err() at once without joining the round, and
// breaks the round if parties wait in it. If ctx ends before the round
// completes, Await breaks the round for every party and returns ctx.Err(); the
// last arrival checks the contexts of the waiting parties before it completes
// the round, so a party whose ctx ended before the round was complete never
// returns as released. A ctx that ends after the round completed changes
// nothing, neither for this round nor for the next.
//
// If the action panics, the round breaks (the other parties get
// ErrBrokenBarrier) and the panic continues in the goroutine of the last
// arrival, out of its Await. Await panics if ctx is nil.
func (b *Barrier) Await(ctx context.Context) (arrival int, err error) {
	check.Context(ctx, "syncx", "Barrier.Await")
	done := ctx.Done()
	b.mu.Lock()
	r := b.round
	if closed(done) {
		// A party that cannot wait breaks the round it would join, if
		// anybody waits in it.
		if r.count > 0 {
			b.breakLocked()
		}
		b.mu.Unlock()
		return 0, ctx.Err()
	}
	r.count++
	b.broken = false
	arrival = b.parties - r.count
	if arrival == 0 {
		return 0, b.completeLocked(r)
	}
	if done != nil {
		r.dones = append(r.dones, done)
	}

	state := b.waitLocked(r, done)
	if state == barrierGathering {
		// ctx ended first.
		if b.round == r {
			// Still gathering: this party's ctx breaks the round.
			b.breakLocked()
			b.departLocked(r)
			b.mu.Unlock()
			return 0, ctx.Err()
		}
		// The round has already completed and its action is running; its
		// outcome stands. It is settled once the action has returned,
		// which closes ch.
		ch := r.ch
		b.mu.Unlock()
		<-ch
		b.mu.Lock()
		state = r.state
	}
	b.departLocked(r)
	b.mu.Unlock()
	if state == barrierBroken {
		if closed(done) {
			// Our ctx may have ended before the round broke (the last
			// arrival breaks a round when it sees that).
			return 0, ctx.Err()
		}
		return 0, ErrBrokenBarrier
	}
	return arrival, nil
}

// completeLocked is the last arrival's part: it opens the next round for new
// arrivals, runs the action without the lock (so it may take as long as it
// needs), then releases round r; b.mu is held on entry and released on
// return. If a waiting party's ctx has already ended, r breaks instead.
func (b *Barrier) completeLocked(r *barrierRound) error {
	for _, d := range r.dones {
		if closed(d) {
			b.breakLocked()
			b.departLocked(r)
			b.mu.Unlock()
			return ErrBrokenBarrier
		}
	}
	b.round = b.newRound()
	if b.action != nil {
		b.mu.Unlock()
		b.runAction(r)
		b.mu.Lock()
	}
	b.endLocked(r, barrierReleased)
	b.departLocked(r)
	b.mu.Unlock()
	return nil
}

// waitLocked waits until round r ends and returns its final state, or
// returns barrierGathering if done is closed first (or closed while r's action
// runs). b.mu is held on entry and on return.
//
// It parks without spinning first. Spinning was measured and removed
// (BENCHMARKS.md): on an idle 2-core machine a brief spin made a 2-party
// round about 1.8-2x a sync.Cond barrier's. Parked parties share one
// processor, where a woken party runs next and a round is one goroutine
// switch; a spinning party only delays a partner queued behind it, and a
// signal between that machine's two cores usually cost as much as the whole
// round on one processor.
func (b *Barrier) waitLocked(r *barrierRound, done <-chan struct{}) uint32 {
	if done == nil {
		for r.state == barrierGathering {
			b.cond.Wait()
		}
		return r.state
	}
	if r.ch == nil {
		r.ch = make(chan struct{})
	}
	ch := r.ch
	b.mu.Unlock()
	select {
	case <-ch:
	case <-done:
	}
	b.mu.Lock()
	return r.state
}

// endLocked sets the final state of round r, which no longer accepts
// arrivals, and wakes its parties; b.mu is held.
func (b *Barrier) endLocked(r *barrierRound, state uint32) {
	r.state = state
	b.cond.Broadcast()
	if r.ch != nil {
		close(r.ch)
	}
}

// newRound returns a fresh round, reusing the spare one if there is; b.mu is
// held.
func (b *Barrier) newRound() *barrierRound {
	r := b.spare
	if r == nil {
		return &barrierRound{}
	}
	b.spare = nil
	r.count = 0
	r.state = barrierGathering
	r.left = 0
	r.ch = nil
	clear(r.dones)
	r.dones = r.dones[:0]
	return r
}

// departLocked records that a party that joined round r has finished with
// it; the last one to do so keeps r for reuse. The round has ended, so its
// count is final. b.mu is held.
func (b *Barrier) departLocked(r *barrierRound) {
	r.left++
	if r.left == r.count && b.spare == nil {
		b.spare = r
	}
}

// runAction runs the action for round r; if it panics, r is broken before the
// panic goes on.
func (b *Barrier) runAction(r *barrierRound) {
	ok := false
	defer func() {
		if !ok {
			b.mu.Lock()
			b.broken = true
			b.endLocked(r, barrierBroken)
			b.departLocked(r)
			b.mu.Unlock()
		}
	}()
	b.action()
	ok = true
}

// breakLocked breaks the current round: its parties are released with
// ErrBrokenBarrier and later arrivals start a new round. b.mu is held.
func (b *Barrier) breakLocked() {
	b.endLocked(b.round, barrierBroken)
	b.round = b.newRound()
	b.broken = true
}

// Reset breaks the current round if any party waits in it (those parties
// return ErrBrokenBarrier) and starts a fresh round: once Reset returns,
// Broken reports false, and the next Await joins the new round. It may be
// called at any time.
func (b *Barrier) Reset() {
	b.mu.Lock()
	if b.round.count > 0 {
		b.breakLocked()
	}
	b.broken = false
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

// Broken reports whether the last round broke (a party's context ended or the
// action panicked) and neither has a party arrived since to start a new one
// nor has Reset been called.
func (b *Barrier) Broken() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.broken
}
