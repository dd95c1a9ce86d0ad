package pool

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/concurkit/concur/internal/nocopy"
	"github.com/concurkit/concur/internal/panics"
	"github.com/concurkit/concur/syncx"
)

// A Pool runs tasks on at most a fixed number of goroutines at once.
//
// Go starts a worker goroutine for each of the first limit tasks of a round;
// after that it puts the task in a buffer of 4*limit waiting tasks, from which
// the workers take tasks in order, and blocks while that buffer is full. So at
// most limit tasks run at once, at most 4*limit more wait, and a caller that
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

	limit int
	// tasks holds up to waitingPerWorker*limit tasks that no worker has
	// taken yet. Buffering lets Go and the workers run without parking while
	// it is neither empty nor full; its capacity bounds the work accepted but
	// not finished. Wait closes it to stop the workers and makes a new one for
	// the next round.
	tasks chan func()
	// started counts the workers of this round, at most limit. Only Go raises
	// it and only Wait resets it, so a worker ended by runtime.Goexit replaces
	// itself instead of lowering it (see worker).
	started atomic.Int64
	workers sync.WaitGroup
	// panicked is the first task panic of this round.
	panicked atomic.Pointer[syncx.PanicError]
	waiting  atomic.Bool
}

// New returns a Pool that runs at most limit tasks at once and holds at most
// 4*limit more waiting to run. A limit <= 0 means runtime.GOMAXPROCS(0), the
// number of tasks that can run in parallel.
//
// No goroutine is started until Go needs one. New allocates the buffer of
// waiting tasks: one word for each of its 4*limit slots.
func New(limit int) *Pool {
	if limit <= 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	return &Pool{limit: limit, tasks: newBuffer(limit)}
}

// waitingPerWorker sizes the buffer of waiting tasks. When the buffer fills,
// Go parks until a worker takes a task, and a worker that empties it parks
// until Go wakes it; each such park and wake-up costs more than many tiny
// tasks, so the buffer must hold enough tasks to amortize it. For a million
// tiny tasks on 2 CPUs, measured against alitto/pond in the same runs, 1 per
// worker lost to pond in about half the runs, 2 took 0.94-0.97x pond's time,
// 4 took 0.59-0.61x and 8 took 0.74-0.77x.
const waitingPerWorker = 4

func newBuffer(limit int) chan func() { return make(chan func(), waitingPerWorker*limit) }

// Go runs task on a goroutine of the pool. For each of the first limit tasks
// of a round it starts a worker; after that it adds task to a buffer of up to
// 4*limit waiting tasks, which the workers take in order as they finish
// earlier ones, and blocks while the buffer is full. So once limit tasks run,
// Go accepts 4*limit more and then blocks until a running task returns and its
// worker takes the next waiting one: never more than limit tasks run at once,
// and never more than 5*limit are accepted and not finished.
//
// Go panics with a message starting "pool: " if task is nil or p was not
// created by New.
func (p *Pool) Go(task func()) {
	if task == nil {
		panic("pool: Go called with a nil task")
	}
	if p.tasks == nil {
		panic("pool: Go called on a Pool not created by New")
	}
	if p.started.Load() < int64(p.limit) && p.startWorker(task) {
		return
	}
	// Blocks only while the buffer is full, and then started == limit:
	// startWorker fails only at the limit, and only Wait lowers it.
	p.tasks <- task
}

// startWorker starts a worker that runs task first, unless the pool already
// has limit workers.
func (p *Pool) startWorker(task func()) bool {
	for {
		n := p.started.Load()
		if n >= int64(p.limit) {
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
		panic("pool: Wait called on a Pool not created by New")
	}
	if !p.waiting.CompareAndSwap(false, true) {
		panic("pool: Wait called concurrently with Wait")
	}
	if p.started.Load() > 0 {
		// Every task is running or in the buffer, and workers leave only
		// once the closed buffer is empty, so once they have all exited
		// every task has returned.
		close(p.tasks)
		p.workers.Wait()
		p.tasks = newBuffer(p.limit)
		p.started.Store(0)
	}
	pe := p.panicked.Swap(nil)
	p.waiting.Store(false)
	if pe != nil {
		panic(pe)
	}
}
