package syncx

import "context"

// The acquisitions as the lock checker sees them. With the build tag
// concur_lockcheck (lockcheckOn), Lock, LockContext, RLock and RLockContext
// go through these instead of their own fast paths; without it these are
// never called and the hooks in them are empty. Each follows the unchecked
// path exactly, with the hooks at the points documented in lockcheck_on.go.

func (m *Mutex) lockChecked(ctx context.Context) error {
	t := lockcheckMutex(m)
	if m.state.CompareAndSwap(0, mutexLocked) {
		lockcheckHeld(t)
		return nil
	}
	lockcheckWait(t)
	if err := m.lockSlow(ctx); err != nil {
		lockcheckFailed(t)
		return err
	}
	lockcheckHeld(t)
	return nil
}

func (rw *RWMutex) lockChecked(ctx context.Context) error {
	t := lockcheckRW(rw, false)
	if rw.state.CompareAndSwap(0, rwWriter) {
		lockcheckHeld(t)
		return nil
	}
	lockcheckWait(t)
	if err := rw.lockSlow(ctx); err != nil {
		lockcheckFailed(t)
		return err
	}
	lockcheckHeld(t)
	return nil
}

func (rw *RWMutex) rlockChecked(ctx context.Context) error {
	t := lockcheckRW(rw, true)
	if rw.state.Add(rwReader)&(rwWriter|rwGate) == 0 {
		lockcheckHeld(t)
		return nil
	}
	lockcheckWait(t)
	if err := rw.rlockBackOff(ctx); err != nil {
		lockcheckFailed(t)
		return err
	}
	lockcheckHeld(t)
	return nil
}
