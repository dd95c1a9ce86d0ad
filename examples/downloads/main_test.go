package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, 6, 2, 5*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"downloaded 6 files (",
		"with a limit of 2 at once\n",
		`first file: "contents of file-00.txt"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	var most int
	if _, err := fmt.Sscanf(s[strings.Index(s, "at most"):], "at most %d", &most); err != nil || most < 1 || most > 2 {
		t.Errorf("server saw at most %d (err %v), want 1 or 2:\n%s", most, err, s)
	}
}

// gate holds every request until limit requests are inside at once (then lets
// all through), so the test sees the limit reached without relying on timing;
// a limiter that admitted fewer than limit would make the requests time out.
func gate(limit int64, st *stats, timedOut *atomic.Bool) http.Handler {
	open := make(chan struct{})
	var opened atomic.Bool
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st.inFlight.Load() >= limit && opened.CompareAndSwap(false, true) {
			close(open)
		}
		select {
		case <-open:
		case <-time.After(5 * time.Second):
			timedOut.Store(true)
		}
		fmt.Fprint(w, r.URL.Path)
	})
}

func TestConcurrencyReachesButNeverExceedsTheLimit(t *testing.T) {
	for _, limit := range []int{1, 3, 5} {
		var st stats
		var timedOut atomic.Bool
		srv := httptest.NewServer(track(gate(int64(limit), &st, &timedOut), &st))
		bodies, err := download(context.Background(), srv.Client(), urls(srv.URL, 12), limit)
		srv.Client().CloseIdleConnections()
		srv.Close()
		if err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		for i, b := range bodies {
			if want := fmt.Sprintf("/files/file-%02d.txt", i); b != want {
				t.Errorf("limit %d: body %d = %q, want %q", limit, i, b, want)
			}
		}
		if got := st.most.Load(); got != int64(limit) || timedOut.Load() {
			t.Errorf("limit %d: server saw at most %d concurrent requests (gate timed out: %v), want exactly %d",
				limit, got, timedOut.Load(), limit)
		}
	}
}

func TestFailureStopsTheDownloads(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		http.Error(w, "gone", http.StatusGone)
	}))
	defer srv.Close()
	defer srv.Client().CloseIdleConnections()
	_, err := download(context.Background(), srv.Client(), urls(srv.URL, 50), 1)
	if err == nil || !strings.Contains(err.Error(), "410 Gone") {
		t.Fatalf("err = %v, want a 410 Gone error", err)
	}
	// With one permit, the failure cancels the loop before a second request.
	if n := served.Load(); n != 1 {
		t.Errorf("server served %d requests after the first failed, want 1", n)
	}
}
