package main

import (
	"bytes"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurkit/concur/syncx"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// The games run in a synctest bubble: time is fake and advances only when
// every goroutine is blocked (syncx waits count as blocked), so the
// interleaving, and hence the writer's waits, are exactly reproducible however
// loaded the machine is.
var small = config{
	readers:  200,
	hold:     10 * time.Millisecond,
	duration: 500 * time.Millisecond,
	writes:   5,
	every:    20 * time.Millisecond,
}

func TestReaderPreferringStarvesTheWriter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := play(syncx.ReaderPreferring, small)
		// The first update asks at 20ms and gets the lock only when the
		// readers stop, at 500ms plus the last hold.
		if r.longestWait < small.duration-small.every-small.hold {
			t.Errorf("longest writer wait %v, want about %v (starvation)", r.longestWait, small.duration)
		}
		if r.writes != small.writes {
			t.Errorf("writes = %d, want %d", r.writes, small.writes)
		}
	})
}

func TestWriterPreferringAndFairDoNotStarve(t *testing.T) {
	for _, p := range []syncx.Policy{syncx.WriterPreferring, syncx.Fair} {
		t.Run(p.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := play(p, small)
				// The writer waits only for readers already inside, which
				// leave within one hold period.
				if r.longestWait > small.hold {
					t.Errorf("longest writer wait %v, want at most %v", r.longestWait, small.hold)
				}
				if r.writes != small.writes || r.reads == 0 {
					t.Errorf("reads, writes = %d, %d; want some reads and %d writes", r.reads, r.writes, small.writes)
				}
			})
		})
	}
}

func TestRunPrintsATablePerPolicy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out bytes.Buffer
		results := run(&out, small)
		s := out.String()
		for _, want := range []string{"ReaderPreferring", "WriterPreferring", "Fair", "longest writer wait"} {
			if !strings.Contains(s, want) {
				t.Errorf("output lacks %q:\n%s", want, s)
			}
		}
		if strings.Count(s, "starved") != 1 || !strings.Contains(s, "ReaderPreferring") {
			t.Errorf("want exactly the ReaderPreferring line marked as starved:\n%s", s)
		}
		if len(results) != 3 {
			t.Errorf("got %d results, want 3", len(results))
		}
		t.Log("\n" + s)
	})
}
