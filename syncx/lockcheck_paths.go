package syncx

// The acquisitions as the lock checker sees them. With the build tag
// concur_lockcheck (lockcheckOn), Lock, LockContext, RLock and RLockContext
// go through these instead of their own fast paths; without it these are
// never called and the hooks in them are empty. Each follows the unchecked
// path exactly, with the hooks at the points documented in lockcheck_on.go:
// done is nil for Lock and RLock, and the result is that of lockSlow or
// rlockBackOff (nil or errCancelled). LockContext and RLockContext call these
// after their "ctx already done" check, and apply the cancellation rule's
// last step themselves: a lock taken after ctx ended is released through the
// public Unlock or RUnlock, so the checker sees a hold followed by its
// release.

func (m *Mutex) lockChecked(done <-chan struct{}) error {
	t := lockcheckMutex(m)
	if m.state.CompareAndSwap(0, mutexLocked) {
		lockcheckHeld(t)
		return nil
	}
	lockcheckWait(t)
	if err := m.lockSlow(done); err != nil {
		lockcheckFailed(t)
		return err
	}
	lockcheckHeld(t)
	return nil
}

func (rw *RWMutex) lockChecked(done <-chan struct{}) error {
	t := lockcheckRW(rw, false)
	if rw.state.CompareAndSwap(0, rwWriter) {
		lockcheckHeld(t)
		return nil
	}
	lockcheckWait(t)
	if err := rw.lockSlow(done); err != nil {
		lockcheckFailed(t)
		return err
	}
	lockcheckHeld(t)
	return nil
}

func (rw *RWMutex) rlockChecked(done <-chan struct{}) error {
	t := lockcheckRW(rw, true)
	if rw.state.Add(rwReader)&(rwWriter|rwGate) == 0 {
		lockcheckHeld(t)
		return nil
	}
	lockcheckWait(t)
	if err := rw.rlockBackOff(done); err != nil {
		lockcheckFailed(t)
		return err
	}
	lockcheckHeld(t)
	return nil
}
