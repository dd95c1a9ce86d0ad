package main

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// service is the rate-limited API: it counts calls and the most that were
// ever in progress at once.
type service struct {
	*httptest.Server
	mu           sync.Mutex
	now, most, n int64
}

func newService() *service {
	s := &service{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.n++
		s.now++
		s.most = max(s.most, s.now)
		s.mu.Unlock()
		time.Sleep(20 * time.Millisecond) // the work of a call
		s.mu.Lock()
		s.now--
		s.mu.Unlock()
	}))
	return s
}

func (s *service) stats() (calls, most int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n, s.most
}
