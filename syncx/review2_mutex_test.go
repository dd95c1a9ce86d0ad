package syncx_test

import (
	"testing"
	"testing/synctest"

	"github.com/concurkit/concur/syncx"
)

// A woken waiter that loses the lock to a goroutine that is just arriving
// keeps its place in line: waiters queue in arrival order, and one that
// arrived later must not be served first because the first was overtaken by
// a barging goroutine.
func TestMutexOvertakenWaiterKeepsItsPlace(t *testing.T) {
	for range 20 {
		synctest.Test(t, func(t *testing.T) {
			var m syncx.Mutex
			m.Lock()
			order := make(chan int, 2)
			for i := range 2 {
				go func() {
					m.Lock()
					order <- i
					m.Unlock()
				}()
				synctest.Wait() // 0 queues before 1
			}
			m.Unlock() // wakes 0 to compete
			m.Lock()   // and barges in before 0 runs
			synctest.Wait()
			m.Unlock()
			if a, b := <-order, <-order; a != 0 || b != 1 {
				t.Fatalf("waiters served in order %d, %d; want arrival order 0, 1", a, b)
			}
		})
	}
}
