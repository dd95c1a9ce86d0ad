package syncx

// What the race tests peek at to see that a goroutine is queued.

func (m *Mutex) queuedForTest() bool    { return m.state.Load()&mutexQueued != 0 }
func (rw *RWMutex) queuedForTest() bool { return rw.state.Load()&rwQueued != 0 }
func (s *Semaphore) queuedForTest() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.q.empty()
}
func (c *Cond) waitersForTest() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.q.len
}
func (q *Queue[T]) queuedForTest() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return !q.takers.empty() || !q.putters.empty()
}
func (l *Latch) queuedForTest() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.q.empty()
}
func (wg *WaitGroup) queuedForTest() bool {
	wg.mu.Lock()
	defer wg.mu.Unlock()
	return len(wg.waiters) > 0
}
