package syncx_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
)

func TestCondNilLockerPanics(t *testing.T) {
	mutexMustPanic(t, "nil Locker", func() { syncx.NewCond(nil) })
	var c syncx.Cond
	mutexMustPanic(t, "nil L", func() { _ = c.Wait(context.Background()) })
}

func TestCondSignalWakesInArrivalOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m syncx.Mutex
		c := syncx.NewCond(&m)
		var woken []int
		for i := range 3 {
			go func() {
				m.Lock()
				if err := c.Wait(context.Background()); err != nil {
					t.Error(err)
				}
				woken = append(woken, i)
				m.Unlock()
			}()
			synctest.Wait()
		}
		for want := range 3 {
			c.Signal()
			synctest.Wait()
			if len(woken) != want+1 || woken[want] != want {
				t.Fatalf("after %d signals woken = %v", want+1, woken)
			}
		}
		c.Signal() // no waiter: nothing happens
	})
}

func TestCondBroadcastWakesAll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m sync.Mutex
		c := &syncx.Cond{L: &m} // a literal Cond works too
		ready := false
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				m.Lock()
				for !ready {
					if err := c.Wait(context.Background()); err != nil {
						t.Error(err)
					}
				}
				m.Unlock()
			})
		}
		synctest.Wait()
		m.Lock()
		ready = true
		m.Unlock()
		c.Broadcast()
		wg.Wait()
	})
}

func TestCondWaitCancelledHoldsL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m syncx.Mutex
		c := syncx.NewCond(&m)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		m.Lock()
		start := time.Now()
		if err := c.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait = %v, want DeadlineExceeded", err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("Wait gave up after %v, want 1s", d)
		}
		if m.TryLock() {
			t.Fatal("L not held after a cancelled Wait")
		}
		// Already done: returns at once, L still held.
		if err := c.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait(done ctx) = %v", err)
		}
		if m.TryLock() {
			t.Fatal("L not held after Wait with a done context")
		}
		m.Unlock()
		c.Signal() // the cancelled waiter left the queue: nothing to wake
	})
}

// TestCondWaitReleasesL checks that L is free while a goroutine waits, so
// another goroutine can change the condition.
func TestCondWaitReleasesL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rw := syncx.NewRWMutex(syncx.Fair)
		c := syncx.NewCond(rw)
		done := false
		go func() {
			rw.Lock()
			for !done {
				_ = c.Wait(context.Background())
			}
			rw.Unlock()
		}()
		synctest.Wait()
		if !rw.TryLock() {
			t.Fatal("L held while its owner waits")
		}
		done = true
		rw.Unlock()
		c.Signal()
		synctest.Wait()
		if !rw.TryLock() {
			t.Fatal("waiter did not finish")
		}
		rw.Unlock()
	})
}

// TestCondStressCancel runs a producer that adds items one at a time with a
// Signal each, persistent consumers, and consumers whose Wait is cancelled at
// random moments; every item must be taken and nobody left blocked.
func TestCondStressCancel(t *testing.T) {
	const items, persistent, cancelling = 3000, 4, 2000
	synctest.Test(t, func(t *testing.T) {
		var m syncx.Mutex
		c := syncx.NewCond(&m)
		avail, taken := 0, 0
		var wg sync.WaitGroup
		take := func() { // m held, avail > 0
			avail--
			if taken++; taken == items {
				c.Broadcast()
			}
		}
		for range persistent {
			wg.Go(func() {
				m.Lock()
				defer m.Unlock()
				for {
					for avail == 0 && taken < items {
						if err := c.Wait(context.Background()); err != nil {
							t.Error(err)
						}
					}
					if taken == items {
						return
					}
					take()
				}
			})
		}
		for g := range cancelling {
			wg.Go(func() {
				ctx, cancel := context.WithCancel(context.Background())
				spins := rand.New(rand.NewPCG(uint64(g), 3)).IntN(8)
				go func() {
					for range spins {
						runtime.Gosched()
					}
					cancel()
				}()
				m.Lock()
				defer m.Unlock()
				for avail == 0 && taken < items {
					if c.Wait(ctx) != nil {
						return
					}
				}
				if taken < items {
					take()
				}
			})
		}
		wg.Go(func() {
			for range items {
				m.Lock()
				avail++
				m.Unlock()
				c.Signal()
				runtime.Gosched()
			}
		})
		wg.Wait()
		if taken != items || avail != 0 {
			t.Fatalf("taken %d, left %d", taken, avail)
		}
	})
}

// TestCondNoLostSignal makes each Signal race the cancellation of the very
// waiter it wakes: the producer cancels the context of the goroutine at the
// head of the queue and signals at once, typically before that goroutine has
// run and left the queue. Such a waiter must return nil (it
// was woken) and take the item; if it returned ctx.Err() and dropped the
// signal, the item would stay while the other waiters sleep, and the bubble
// would report a deadlock.
func TestCondNoLostSignal(t *testing.T) {
	const items = 300
	synctest.Test(t, func(t *testing.T) {
		var m syncx.Mutex
		c := syncx.NewCond(&m)
		avail, taken := 0, 0
		var cancels []context.CancelFunc // in queue order, guarded by m
		var wg sync.WaitGroup
		consume := func(ctx context.Context) {
			m.Lock()
			defer m.Unlock()
			for avail == 0 && taken < items {
				if c.Wait(ctx) != nil {
					return
				}
			}
			if avail > 0 {
				avail--
				if taken++; taken == items {
					c.Broadcast()
				}
			}
		}
		for range items {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			wg.Go(func() {
				m.Lock()
				cancels = append(cancels, cancel) // queued in this order by Wait below
				m.Unlock()
				consume(ctx)
			})
			synctest.Wait()
		}
		for range items {
			wg.Go(func() { consume(context.Background()) })
		}
		synctest.Wait()
		for i := range items {
			m.Lock()
			avail++
			m.Unlock()
			cancels[i]()
			c.Signal()
		}
		wg.Wait()
		if taken != items || avail != 0 {
			t.Fatalf("taken %d, left %d", taken, avail)
		}
	})
}

func BenchmarkCondSignalWait(b *testing.B) {
	// Ping-pong between two goroutines through one Cond.
	var m syncx.Mutex
	c := syncx.NewCond(&m)
	turn := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Lock()
		defer m.Unlock()
		for i := 0; i < b.N; i++ {
			for turn != 1 {
				_ = c.Wait(context.Background())
			}
			turn = 0
			c.Signal()
		}
	}()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	m.Lock()
	for i := 0; i < b.N; i++ {
		turn = 1
		c.Signal()
		for turn != 0 {
			_ = c.Wait(ctx)
		}
	}
	m.Unlock()
	<-done
}
