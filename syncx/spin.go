package syncx

import "sync"

// Rounds of busy-waiting before a goroutine queues for a lock: a critical
// section is often shorter than parking and waking a goroutine.
const (
	spinRounds = 4
	spinLoads  = 32
)

// spin tries to take a lock with try, busy-waiting between attempts while
// busy reports the lock held by somebody else. It gives up after spinRounds
// failed attempts. It is the one spin loop of Mutex and RWMutex.
func spin(try, busy func() bool) bool {
	for range spinRounds {
		if try() {
			return true
		}
		for range spinLoads {
			if !busy() {
				break
			}
		}
	}
	return false
}

// unlocker is the Locker of a sync.Cond used as a parking place under an
// internal mutex: the cond's Wait releases the mutex once the waiter is
// registered, and the woken waiter does not take it again, because the
// goroutine that woke it has already done all the work under the mutex.
type unlocker sync.Mutex

func (u *unlocker) Lock()   {}
func (u *unlocker) Unlock() { (*sync.Mutex)(u).Unlock() }
