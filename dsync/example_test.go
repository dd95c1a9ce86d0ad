package dsync_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/concurkit/concur/dsync"
	"github.com/concurkit/concur/dsync/dsynctest"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// store is a storage service that fences writers: it accepts a write only
// with a token at least as large as any it has seen.
type store struct {
	mu      sync.Mutex
	highest int64
}

func (s *store) write(token int64, what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token < s.highest {
		fmt.Printf("rejected %q: stale token\n", what)
		return
	}
	s.highest = token
	fmt.Printf("stored %q\n", what)
}

// A holder loses its lease while paused; the next holder's token is
// larger, so storage rejects the old holder's late write, and its Done
// channel tells it the holding is gone.
func ExampleFence() {
	etcd, err := dsynctest.Start(1) // a real program uses its own *clientv3.Client
	if err != nil {
		panic(err)
	}
	defer etcd.Close()
	ctx := context.Background()
	newSession := func() *concurrency.Session {
		cli, err := etcd.Client()
		if err != nil {
			panic(err)
		}
		s, err := concurrency.NewSession(cli, concurrency.WithTTL(5))
		if err != nil {
			panic(err)
		}
		return s
	}
	var db store

	slow := newSession()
	f1, err := dsync.NewMutex(slow, "orders").Lock(ctx)
	if err != nil {
		panic(err)
	}
	// The slow holder stalls; its lease ends (here: revoked at once).
	slow.Close()
	<-f1.Done()
	fmt.Println("slow holder: holding lost")

	fast := dsync.NewMutex(newSession(), "orders")
	f2, err := fast.Lock(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("new token is larger:", f2.Token() > f1.Token())
	db.write(f2.Token(), "from the new holder")
	db.write(f1.Token(), "from the slow holder, waking up")
	fast.Unlock(ctx)
	// Output:
	// slow holder: holding lost
	// new token is larger: true
	// stored "from the new holder"
	// rejected "from the slow holder, waking up": stale token
}

// Three processes (here: three sessions) share two permits; a request for
// both is served in its turn.
func ExampleSemaphore() {
	etcd, err := dsynctest.Start(1)
	if err != nil {
		panic(err)
	}
	defer etcd.Close()
	ctx := context.Background()
	cli, _ := etcd.Client()
	s, _ := concurrency.NewSession(cli, concurrency.WithTTL(5))
	defer s.Close()

	sem := dsync.NewSemaphore(s, "api-calls", 2)
	if _, err := sem.Acquire(ctx, 1); err != nil {
		panic(err)
	}
	if _, err := sem.TryAcquire(ctx, 2); err == dsync.ErrWouldBlock {
		fmt.Println("two permits are not free")
	}
	sem.Release(ctx, 1)
	if _, err := sem.TryAcquire(ctx, 2); err == nil {
		fmt.Println("now they are")
	}
	sem.Release(ctx, 2)
	// Output:
	// two permits are not free
	// now they are
}

// Workers meet at a barrier between phases; the last to arrive gets 0.
func ExampleBarrier() {
	etcd, err := dsynctest.Start(1)
	if err != nil {
		panic(err)
	}
	defer etcd.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	last := 0
	for range 3 {
		cli, _ := etcd.Client()
		s, _ := concurrency.NewSession(cli, concurrency.WithTTL(5))
		defer s.Close()
		b := dsync.NewBarrier(s, "phase", 3)
		wg.Go(func() {
			for range 2 { // two rounds
				arrival, err := b.Await(ctx)
				if err != nil {
					panic(err)
				}
				if arrival == 0 {
					mu.Lock()
					last++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	fmt.Println("rounds completed:", last)
	// Output: rounds completed: 2
}

// A coordinator waits until every shard has loaded.
func ExampleLatch() {
	etcd, err := dsynctest.Start(1)
	if err != nil {
		panic(err)
	}
	defer etcd.Close()
	ctx := context.Background()
	cli, _ := etcd.Client()
	s, _ := concurrency.NewSession(cli, concurrency.WithTTL(5))
	defer s.Close()

	loaded := dsync.NewLatch(s, "shards-loaded", 3)
	for range 3 {
		go loaded.CountDown(ctx) // each shard loader, in its own process
	}
	if err := loaded.Wait(ctx); err != nil {
		panic(err)
	}
	fmt.Println("all shards loaded")
	loaded.Delete(ctx)
	// Output: all shards loaded
}

// Readers share the lock; a writer waits for them.
func ExampleRWMutex() {
	etcd, err := dsynctest.Start(1)
	if err != nil {
		panic(err)
	}
	defer etcd.Close()
	ctx := context.Background()
	cli, _ := etcd.Client()
	s, _ := concurrency.NewSession(cli, concurrency.WithTTL(5))
	defer s.Close()

	rw := dsync.NewRWMutex(s, "config", dsync.WriterPreferring)
	rw.RLock(ctx)
	rw.RLock(ctx)
	if _, err := rw.TryLock(ctx); err == dsync.ErrWouldBlock {
		fmt.Println("writer waits for two readers")
	}
	rw.RUnlock(ctx)
	rw.RUnlock(ctx)
	if _, err := rw.TryLock(ctx); err == nil {
		fmt.Println("writer in")
	}
	rw.Unlock(ctx)
	// Output:
	// writer waits for two readers
	// writer in
}

// One process at a time runs the nightly job; the others find it taken.
func ExampleMutex() {
	etcd, err := dsynctest.Start(1)
	if err != nil {
		panic(err)
	}
	defer etcd.Close()
	ctx := context.Background()
	session := func() *concurrency.Session {
		cli, _ := etcd.Client()
		s, err := concurrency.NewSession(cli, concurrency.WithTTL(5))
		if err != nil {
			panic(err)
		}
		return s
	}
	a, b := session(), session()
	defer a.Close()
	defer b.Close()

	job := dsync.NewMutex(a, "nightly-job")
	if _, err := job.Lock(ctx); err != nil {
		panic(err)
	}
	if _, err := dsync.NewMutex(b, "nightly-job").TryLock(ctx); err == dsync.ErrWouldBlock {
		fmt.Println("another process runs the job")
	}
	if err := job.Unlock(ctx); err != nil {
		panic(err)
	}
	// Output: another process runs the job
}
