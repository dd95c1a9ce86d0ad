package pool

import (
	"sync"
	"sync/atomic"

	"github.com/concurkit/concur/internal/check"
	"github.com/concurkit/concur/internal/nocopy"
	"github.com/concurkit/concur/internal/panics"
	"github.com/concurkit/concur/syncx"
)

// A Pool runs tasks on at most a fixed number of goroutines at once.
//
// Go starts a worker goroutine for each of the first workers tasks of a
// round; after that it puts the task in a queue of waiting tasks, from which
// the workers take tasks in order, and blocks while that queue is full. The
// queue holds at most 4*workers tasks, and never more than 1024. So at most
// workers tasks run at once, a bounded number more wait, and a caller that
// produces tasks faster than they run is held back rather than queuing them
// without bound. Wait blocks until every task has returned and then stops the
// workers, so no goroutine of the pool outlives Wait.
//
// A panic in a task does not crash the program and does not stop the other
// tasks: the first one is recorded and re-raised by Wait, in the goroutine
// that calls Wait, as a *syncx.PanicError holding the original value and the
// task's stack (errors.Is and errors.As see through it when the value is an
// error). A task that calls runtime.Goexit (t.FailNow in a test, for
// instance) ends only itself; Wait does not hang.
//
// A Pool is reusable: once Wait has returned, Go starts a new round. Go may be
// called from many goroutines at once, but not concurrently with Wait, and
// Wait not concurrently with itself: as with sync.WaitGroup, every Go that
// Wait should wait for must happen before Wait is called. For the same reason
// a task must not call Go on its own pool (Wait may have begun, and in a full
// pool the task would wait for itself); use a second pool for follow-up work.
//
// In the terminology of the Go memory model, a call to Go synchronizes before
// its task starts, and the return of every task synchronizes before Wait
// returns.
//
// Create a Pool with New; the zero value is not usable. A Pool must not be
// copied after first use.
type Pool struct {
	_ nocopy.NoCopy

	size int // how many workers at most
	// tasks holds up to waiting(size) tasks that no worker has taken
	// yet. Buffering lets Go and the workers run without parking while
	// it is neither empty nor full; its capacity bounds the work accepted but
	// not finished. Wait closes it to stop the workers and makes a new one for
	// the next round.
	tasks chan func()
	// started counts the workers of this round, at most size. Only Go raises
	// it and only Wait resets it, so a worker ended by runtime.Goexit replaces
	// itself instead of lowering it (see worker).
	started atomic.Int64
	workers sync.WaitGroup
	// panicked is the first task panic of this round.
	panicked atomic.Pointer[syncx.PanicError]
	waiting  atomic.Bool
}

// New returns a Pool that runs at most workers tasks at once (see the
// package doc for workers <= 0). No goroutine is started until Go needs one.
func New(workers int) *Pool {
	workers = check.Workers(workers)
	return &Pool{size: workers, tasks: newBuffer(workers)}
}

// waitingPerWorker sizes the buffer of waiting tasks. When the buffer fills,
// Go parks until a worker takes a task, and a worker that empties it parks
// until Go wakes it; each such park and wake-up costs more than many tiny
// tasks, so the buffer must hold enough tasks to amortize it. For a million
// tiny tasks on 2 CPUs, measured against alitto/pond in the same runs, 1 per
// worker lost to pond in about half the runs, 2 took 0.94-0.97x pond's time,
// 4 took 0.59-0.61x and 8 took 0.74-0.77x.
//
// maxWaiting caps the buffer, which New allocates up front (a word a slot):
// a pool of a million workers, for tasks that mostly wait, would otherwise
// allocate 32 MB before its first task. The cap binds only from 256 workers,
// far above the worker counts at which the buffer's size was measured to
// matter.
const (
	waitingPerWorker = 4
	maxWaiting       = 1024
)

// waiting is the capacity of the buffer of waiting tasks.
func waiting(workers int) int { return min(waitingPerWorker*workers, maxWaiting) }

func newBuffer(workers int) chan func() { return make(chan func(), waiting(workers)) }

// Go runs task on a goroutine of the pool. For each of the first workers
// tasks of a round it starts a worker; after that it adds task to the queue of
// waiting tasks, which the workers take in order as they finish earlier ones,
// and blocks while the queue is full, until a running task returns and its
// worker takes the next waiting one.
//
// Go panics with a message starting "pool: " if task is nil or p was not
// created by New.
func (p *Pool) Go(task func()) {
	if task == nil {
		check.Misuse("pool", "Go", "with nil task")
	}
	if p.tasks == nil {
		check.Misuse("pool", "Go", "on a Pool not created by New")
	}
	if p.started.Load() < int64(p.size) && p.startWorker(task) {
		return
	}
	// Blocks only while the buffer is full, and then started == size:
	// startWorker fails only at that count, and only Wait lowers it.
	p.tasks <- task
}

// startWorker starts a worker that runs task first, unless the pool already
// has all its workers.
func (p *Pool) startWorker(task func()) bool {
	for {
		n := p.started.Load()
		if n >= int64(p.size) {
			return false
		}
		if p.started.CompareAndSwap(n, n+1) {
			break
		}
	}
	p.workers.Add(1)
	go p.worker(p.tasks, task)
	return true
}

// worker runs first (if not nil) and then every task it receives, until Wait
// closes tasks.
func (p *Pool) worker(tasks <-chan func(), first func()) {
	goexit := true
	defer func() {
		if goexit {
			// A task called runtime.Goexit and this goroutine is ending.
			// Start a replacement before leaving so that the number of
			// workers stays equal to started: a Go blocked in its send
			// counts on one of them to receive.
			p.workers.Add(1)
			go p.worker(tasks, nil)
		}
		p.workers.Done()
	}()
	for !p.serve(tasks, first) {
		first = nil // it ran: serve returns false only after a task panicked
	}
	goexit = false
}

// serve runs first and then the tasks received, and returns true when tasks is
// closed. If a task panics, serve records the panic and returns false so that
// the worker goes on; recovering once per panic, not once per task, keeps the
// cost of a task down to the channel receive and the call.
func (p *Pool) serve(tasks <-chan func(), first func()) (closed bool) {
	defer func() {
		if !closed {
			// nil only for runtime.Goexit: since Go 1.21 panic(nil)
			// panics with a *runtime.PanicNilError.
			if v := recover(); v != nil {
				p.panicked.CompareAndSwap(nil, panics.Capture(v))
			}
		}
	}()
	if first != nil {
		first()
	}
	for task := range tasks {
		task()
	}
	return true
}

// Wait blocks until every task given to Go has returned, stops the pool's
// goroutines, and leaves the pool ready for a new round. If a task panicked
// in this round, Wait then panics with a *syncx.PanicError holding the first
// such panic value and the stack of the task that raised it; the other tasks
// have all returned by then.
//
// Wait panics with a message starting "pool: " if it is called while another
// Wait on the same pool is in progress.
func (p *Pool) Wait() {
	if p.tasks == nil {
		check.Misuse("pool", "Wait", "on a Pool not created by New")
	}
	if !p.waiting.CompareAndSwap(false, true) {
		check.Misuse("pool", "Wait", "concurrently with another Wait")
	}
	if p.started.Load() > 0 {
		// Every task is running or in the buffer, and workers leave only
		// once the closed buffer is empty, so once they have all exited
		// every task has returned.
		close(p.tasks)
		p.workers.Wait()
		p.tasks = newBuffer(p.size)
		p.started.Store(0)
	}
	pe := p.panicked.Swap(nil)
	p.waiting.Store(false)
	if pe != nil {
		panic(pe)
	}
}
