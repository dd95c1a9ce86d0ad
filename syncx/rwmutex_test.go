package syncx_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
)

var rwPolicies = []syncx.Policy{syncx.WriterPreferring, syncx.ReaderPreferring, syncx.Fair}

// rwEach runs f as a subtest for every policy.
func rwEach(t *testing.T, f func(t *testing.T, p syncx.Policy)) {
	for _, p := range rwPolicies {
		t.Run(p.String(), func(t *testing.T) { f(t, p) })
	}
}

func TestRWMutexZeroValueIsWriterPreferring(t *testing.T) {
	// The zero value must hold back new readers while a writer waits, as
	// sync.RWMutex does.
	synctest.Test(t, func(t *testing.T) {
		var rw syncx.RWMutex
		rw.RLock()
		go func() { rw.Lock(); rw.Unlock() }()
		synctest.Wait()
		if rw.TryRLock() {
			t.Fatal("zero RWMutex let a new reader in while a writer waits")
		}
		rw.RUnlock()
	})
}

func TestRWMutexBasics(t *testing.T) {
	ignoreLockReports(t) // locks recursively on purpose
	rwEach(t, func(t *testing.T, p syncx.Policy) {
		rw := syncx.NewRWMutex(p)
		if !rw.TryRLock() || !rw.TryRLock() {
			t.Fatal("TryRLock of a free or read-locked RWMutex failed")
		}
		if rw.TryLock() {
			t.Fatal("TryLock succeeded while readers hold")
		}
		rw.RUnlock()
		rw.RUnlock()
		if !rw.TryLock() {
			t.Fatal("TryLock of a free RWMutex failed")
		}
		if rw.TryRLock() || rw.TryLock() {
			t.Fatal("Try succeeded while a writer holds")
		}
		rw.Unlock()
		rw.Lock()
		rw.Unlock()
		l := rw.RLocker()
		l.Lock()
		l.Lock()
		if rw.TryLock() {
			t.Fatal("TryLock succeeded while RLocker holds")
		}
		l.Unlock()
		l.Unlock()
		ctx := context.Background()
		if err := rw.LockContext(ctx); err != nil {
			t.Fatal(err)
		}
		rw.Unlock()
		if err := rw.RLockContext(ctx); err != nil {
			t.Fatal(err)
		}
		rw.RUnlock()
		done, cancel := context.WithCancel(ctx)
		cancel()
		if rw.LockContext(done) == nil || rw.RLockContext(done) == nil {
			t.Fatal("Lock with a done context succeeded")
		}
		if !rw.TryLock() {
			t.Fatal("lock not free at the end")
		}
	})
}

func TestRWMutexMisusePanics(t *testing.T) {
	mutexMustPanic(t, "invalid Policy(3)", func() { syncx.NewRWMutex(3) })
	mutexMustPanic(t, "invalid Policy(-1)", func() { syncx.NewRWMutex(-1) })
	rwEach(t, func(t *testing.T, p syncx.Policy) {
		rw := syncx.NewRWMutex(p)
		mutexMustPanic(t, "unlock of unlocked RWMutex", rw.Unlock)
		mutexMustPanic(t, "RUnlock of unlocked RWMutex", rw.RUnlock)
		rw.RLock()
		mutexMustPanic(t, "unlock of unlocked RWMutex", rw.Unlock)
		rw.RUnlock()
		rw.Lock()
		mutexMustPanic(t, "RUnlock of unlocked RWMutex", rw.RUnlock)
		rw.Unlock()
		// The panics leave the lock usable and free.
		if !rw.TryLock() {
			t.Fatal("lock not free after recovered misuse")
		}
		rw.Unlock()
		rw.RLock()
		rw.RUnlock()
	})
}

// rwStarted starts f in a goroutine and returns a flag that is set once f
// has returned, so a test in a bubble can see who got through after
// synctest.Wait.
func rwStarted(f func()) *atomic.Bool {
	var done atomic.Bool
	go func() { f(); done.Store(true) }()
	return &done
}

func TestRWMutexWriterPreferringHoldsBackReaders(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rw := syncx.NewRWMutex(syncx.WriterPreferring)
		rw.RLock()
		w := rwStarted(rw.Lock)
		synctest.Wait()
		if rw.TryRLock() {
			t.Fatal("TryRLock succeeded while a writer waits")
		}
		r := rwStarted(rw.RLock)
		synctest.Wait()
		if w.Load() || r.Load() {
			t.Fatal("writer or new reader got in while a reader holds")
		}
		rw.RUnlock()
		synctest.Wait()
		if !w.Load() || r.Load() {
			t.Fatalf("after the reader left: writer in %v (want true), new reader in %v (want false)", w.Load(), r.Load())
		}
		rw.Unlock()
		synctest.Wait()
		if !r.Load() {
			t.Fatal("reader not let in after the writer unlocked")
		}
		rw.RUnlock()
	})
}

func TestRWMutexWriterPreferringWaitingReadersBeforeNextWriter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rw syncx.RWMutex
		rw.Lock()
		r1 := rwStarted(rw.RLock)
		synctest.Wait()
		w2 := rwStarted(rw.Lock)
		synctest.Wait()
		r2 := rwStarted(rw.RLock)
		synctest.Wait()
		rw.Unlock()
		synctest.Wait()
		if !r1.Load() || !r2.Load() || w2.Load() {
			t.Fatalf("after Unlock: readers in %v %v (want true), next writer in %v (want false)", r1.Load(), r2.Load(), w2.Load())
		}
		rw.RUnlock()
		rw.RUnlock()
		synctest.Wait()
		if !w2.Load() {
			t.Fatal("writer not let in after the readers left")
		}
		rw.Unlock()
	})
}

func TestRWMutexReaderPreferringLetsReadersIn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rw := syncx.NewRWMutex(syncx.ReaderPreferring)
		rw.RLock()
		w := rwStarted(rw.Lock)
		synctest.Wait()
		if !rw.TryRLock() {
			t.Fatal("TryRLock failed while only a writer waits")
		}
		r := rwStarted(rw.RLock)
		synctest.Wait()
		if !r.Load() || w.Load() {
			t.Fatalf("new reader in %v (want true), writer in %v (want false)", r.Load(), w.Load())
		}
		rw.RUnlock()
		rw.RUnlock()
		synctest.Wait()
		if w.Load() {
			t.Fatal("writer got in while a reader holds")
		}
		rw.RUnlock()
		synctest.Wait()
		if !w.Load() {
			t.Fatal("writer not let in after the last reader left")
		}
		rw.Unlock()
	})
}

func TestRWMutexFairArrivalOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rw := syncx.NewRWMutex(syncx.Fair)
		rw.RLock()
		var order []string
		var mu sync.Mutex
		note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
		go func() { rw.Lock(); note("w1"); rw.Unlock() }()
		synctest.Wait()
		if rw.TryRLock() {
			t.Fatal("TryRLock overtook a waiting writer")
		}
		go func() { rw.RLock(); note("r2"); rw.RUnlock() }()
		synctest.Wait()
		go func() { rw.RLock(); note("r3"); rw.RUnlock() }()
		synctest.Wait()
		go func() { rw.Lock(); note("w4"); rw.Unlock() }()
		synctest.Wait()
		go func() { rw.RLock(); note("r5"); rw.RUnlock() }()
		synctest.Wait()
		rw.RUnlock()
		synctest.Wait()
		// r2 and r3 share the lock, so they may note in either order.
		got := fmt.Sprint(order)
		if got != "[w1 r2 r3 w4 r5]" && got != "[w1 r3 r2 w4 r5]" {
			t.Fatalf("served in order %s, want arrival order", got)
		}
	})
}

// TestRWMutexCancelledWriterLetsReadersIn: a writer that gives up must open
// the gate it kept closed, or the readers queued behind it wait forever.
func TestRWMutexCancelledWriterLetsReadersIn(t *testing.T) {
	rwEach(t, func(t *testing.T, p syncx.Policy) {
		synctest.Test(t, func(t *testing.T) {
			rw := syncx.NewRWMutex(p)
			rw.RLock()
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			var werr error
			w := rwStarted(func() { werr = rw.LockContext(ctx) })
			synctest.Wait()
			r := rwStarted(rw.RLock)
			time.Sleep(2 * time.Second)
			synctest.Wait()
			if !w.Load() || !errors.Is(werr, context.DeadlineExceeded) {
				t.Fatalf("LockContext: done %v, err %v", w.Load(), werr)
			}
			if !r.Load() {
				t.Fatal("reader still blocked after the waiting writer gave up")
			}
			rw.RUnlock()
			rw.RUnlock()
			if !rw.TryLock() {
				t.Fatal("lock not free at the end")
			}
		})
	})
}

func TestRWMutexRLockContextTimeout(t *testing.T) {
	ignoreLockReports(t) // locks recursively on purpose
	rwEach(t, func(t *testing.T, p syncx.Policy) {
		synctest.Test(t, func(t *testing.T) {
			rw := syncx.NewRWMutex(p)
			rw.Lock()
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			if err := rw.RLockContext(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("RLockContext = %v", err)
			}
			if d := time.Since(start); d != time.Second {
				t.Errorf("gave up after %v, want 1s", d)
			}
			rw.Unlock()
			if !rw.TryLock() {
				t.Fatal("lock not free after the cancelled reader left")
			}
		})
	})
}

// TestRWMutexTryRLockNotSpurious: readers coming and going must never make
// TryRLock fail when no writer is around.
func TestRWMutexTryRLockNotSpurious(t *testing.T) {
	rwEach(t, func(t *testing.T, p syncx.Policy) {
		rw := syncx.NewRWMutex(p)
		var wg sync.WaitGroup
		var failures atomic.Int64
		for range 4 {
			wg.Go(func() {
				for range 5000 {
					if !rw.TryRLock() {
						failures.Add(1)
						continue
					}
					rw.RUnlock()
					rw.RLock()
					rw.RUnlock()
				}
			})
		}
		wg.Wait()
		if n := failures.Load(); n > 0 {
			t.Fatalf("TryRLock failed %d times with only readers around", n)
		}
	})
}

// TestRWMutexStressCancel runs readers and writers with every kind of
// acquisition, with contexts cancelled at random moments, and checks in
// every critical section that a writer is alone and readers see no writer.
// In a bubble, a lost wake-up shows as a deadlock.
func TestRWMutexStressCancel(t *testing.T) {
	const goroutines, iters = 1000, 20
	rwEach(t, func(t *testing.T, p syncx.Policy) {
		synctest.Test(t, func(t *testing.T) {
			rw := syncx.NewRWMutex(p)
			var (
				readers, writers atomic.Int32
				shared           int // written under the write lock, read under the read lock
				writes           atomic.Int64
				gaveUp           atomic.Int64
				wg               sync.WaitGroup
			)
			for g := range goroutines {
				wg.Go(func() {
					r := rand.New(rand.NewPCG(uint64(g), 2))
					for range iters {
						write := r.IntN(3) == 0
						var ctx context.Context
						switch r.IntN(3) {
						case 0:
							if write && !rw.TryLock() || !write && !rw.TryRLock() {
								continue
							}
						case 1:
							if write {
								rw.Lock()
							} else {
								rw.RLock()
							}
						default:
							c, cancel := context.WithCancel(context.Background())
							ctx = c
							spins := r.IntN(4)
							go func() {
								for range spins {
									runtime.Gosched()
								}
								cancel()
							}()
							var err error
							if write {
								err = rw.LockContext(ctx)
							} else {
								err = rw.RLockContext(ctx)
							}
							if err != nil {
								gaveUp.Add(1)
								continue
							}
						}
						if write {
							if n := writers.Add(1); n != 1 || readers.Load() != 0 {
								t.Errorf("writer in with %d writers, %d readers", n, readers.Load())
							}
							shared++
							writes.Add(1)
							runtime.Gosched()
							writers.Add(-1)
							rw.Unlock()
						} else {
							readers.Add(1)
							if writers.Load() != 0 {
								t.Errorf("reader in with a writer")
							}
							_ = shared
							runtime.Gosched()
							readers.Add(-1)
							rw.RUnlock()
						}
					}
				})
			}
			wg.Wait()
			if int64(shared) != writes.Load() {
				t.Errorf("shared = %d, want %d", shared, writes.Load())
			}
			if !rw.TryLock() {
				t.Fatal("lock not free at the end")
			}
			t.Logf("writes %d, gave up %d", writes.Load(), gaveUp.Load())
		})
	})
}

// TestRWMutexLongestWait measures, in fake time, the longest wait of readers
// and writers under a steady stream of overlapping readers and periodic
// writers. WriterPreferring and Fair must bound both; ReaderPreferring must
// let the readers starve the writers, as documented.
func TestRWMutexLongestWait(t *testing.T) {
	const (
		readers   = 6
		readHold  = 3 * time.Millisecond
		readPause = time.Millisecond
		writers   = 2
		writeHold = time.Millisecond
		writeGap  = 5 * time.Millisecond
		run       = time.Second
		// Fair: behind at most every other goroutine holding once.
		bound = readers*readHold + writers*writeHold
	)
	rwEach(t, func(t *testing.T, p syncx.Policy) {
		synctest.Test(t, func(t *testing.T) {
			rw := syncx.NewRWMutex(p)
			var mu sync.Mutex
			var maxRead, maxWrite time.Duration
			record := func(longest *time.Duration, d time.Duration) {
				mu.Lock()
				*longest = max(*longest, d)
				mu.Unlock()
			}
			end := time.Now().Add(run)
			var wg sync.WaitGroup
			for i := range readers {
				wg.Go(func() {
					time.Sleep(time.Duration(i) * (readHold + readPause) / readers)
					for time.Now().Before(end) {
						t0 := time.Now()
						rw.RLock()
						record(&maxRead, time.Since(t0))
						time.Sleep(readHold)
						rw.RUnlock()
						time.Sleep(readPause)
					}
				})
			}
			for range writers {
				wg.Go(func() {
					for time.Now().Before(end) {
						t0 := time.Now()
						rw.Lock()
						record(&maxWrite, time.Since(t0))
						time.Sleep(writeHold)
						rw.Unlock()
						time.Sleep(writeGap)
					}
				})
			}
			wg.Wait()
			t.Logf("%v: longest read wait %v, longest write wait %v", p, maxRead, maxWrite)
			switch p {
			case syncx.ReaderPreferring:
				if maxWrite < run/2 {
					t.Errorf("longest write wait %v: readers did not starve the writers", maxWrite)
				}
			default:
				if maxRead > bound || maxWrite > bound {
					t.Errorf("longest waits %v (read), %v (write) exceed %v", maxRead, maxWrite, bound)
				}
			}
		})
	})
}

func BenchmarkRWMutexReadUncontended(b *testing.B) {
	for _, p := range rwPolicies {
		b.Run(p.String(), func(b *testing.B) {
			rw := syncx.NewRWMutex(p)
			b.ReportAllocs()
			for b.Loop() {
				rw.RLock()
				rw.RUnlock()
			}
		})
	}
}

func BenchmarkRWMutexWriteUncontended(b *testing.B) {
	for _, p := range rwPolicies {
		b.Run(p.String(), func(b *testing.B) {
			rw := syncx.NewRWMutex(p)
			b.ReportAllocs()
			for b.Loop() {
				rw.Lock()
				rw.Unlock()
			}
		})
	}
}

func BenchmarkRWMutexReadParallel(b *testing.B) {
	for _, p := range rwPolicies {
		b.Run(p.String(), func(b *testing.B) {
			rw := syncx.NewRWMutex(p)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rw.RLock()
					rw.RUnlock()
				}
			})
		})
	}
}

// BenchmarkRWMutexMixed: one write in every 10 operations.
func BenchmarkRWMutexMixed(b *testing.B) {
	for _, p := range rwPolicies {
		b.Run(p.String(), func(b *testing.B) {
			rw := syncx.NewRWMutex(p)
			n := 0
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if i++; i%10 == 0 {
						rw.Lock()
						n++
						rw.Unlock()
					} else {
						rw.RLock()
						_ = n
						rw.RUnlock()
					}
				}
			})
		})
	}
}

// TestRWMutexStressRealTimeouts is the cancellation stress test outside a
// bubble: real timers of a few microseconds end waits while grants are in
// flight, with real scheduling. Mutual exclusion is checked throughout and
// the lock must end free.
func TestRWMutexStressRealTimeouts(t *testing.T) {
	const goroutines, iters = 64, 100
	rwEach(t, func(t *testing.T, p syncx.Policy) {
		rw := syncx.NewRWMutex(p)
		var readers, writers atomic.Int32
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(g), 5))
				for range iters {
					write := r.IntN(4) == 0
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.IntN(20))*time.Microsecond)
					var err error
					if write {
						err = rw.LockContext(ctx)
					} else {
						err = rw.RLockContext(ctx)
					}
					cancel()
					if err != nil {
						continue
					}
					if write {
						if n := writers.Add(1); n != 1 || readers.Load() != 0 {
							t.Errorf("writer in with %d writers, %d readers", n, readers.Load())
						}
						runtime.Gosched()
						writers.Add(-1)
						rw.Unlock()
					} else {
						readers.Add(1)
						if writers.Load() != 0 {
							t.Errorf("reader in with a writer")
						}
						runtime.Gosched()
						readers.Add(-1)
						rw.RUnlock()
					}
				}
			})
		}
		wg.Wait()
		if !rw.TryLock() {
			t.Fatal("lock not free at the end")
		}
	})
}
