//go:build !concur_lockcheck

package syncx

// Without the build tag concur_lockcheck the checker's hooks are empty and
// inlined away, so the lock paths compile to what they were without them.
// The hook points are documented in lockcheck_on.go.

// LockCheckEnabled reports whether this binary was built with the tag
// concur_lockcheck, that is whether lock reports can happen.
func LockCheckEnabled() bool { return lockcheckOn }

const lockcheckOn = false

type lockcheckToken struct{}

func lockcheckMutex(*Mutex) (t lockcheckToken)      { return }
func lockcheckRW(*RWMutex, bool) (t lockcheckToken) { return }
func lockcheckWait(lockcheckToken)                  {}
func lockcheckHeld(lockcheckToken)                  {}
func lockcheckFailed(lockcheckToken)                {}
func lockcheckTryMutex(*Mutex)                      {}
func lockcheckTryRW(*RWMutex, bool)                 {}
func lockcheckUnlockMutex(*Mutex)                   {}
func lockcheckUnlockRW(*RWMutex, bool)              {}
func lockcheckSetName(any, string)                  {}
func lockcheckNameOf(any) string                    { return "" }
