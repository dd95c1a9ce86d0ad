package dsync_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concurkit/concur/dsync/dsynctest"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
	"go.uber.org/goleak"
)

// shared is one single-member cluster for the tests that need no faults;
// each test uses names of its own.
var shared *dsynctest.Etcd

func TestMain(m *testing.M) {
	var err error
	shared, err = dsynctest.Start(1)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	shared.Close()
	// Every goroutine of dsync, of the clients and of the embedded etcd
	// must have ended.
	// goleak's own retries last well under a second; on a loaded machine
	// the clients' and servers' goroutines may take longer to wind down.
	if code == 0 {
		deadline := time.Now().Add(15 * time.Second)
		for {
			err := goleak.Find()
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				fmt.Fprintln(os.Stderr, "goleak:", err)
				code = 1
				break
			}
			<-time.After(200 * time.Millisecond)
		}
	}
	os.Exit(code)
}

var nameSeq atomic.Int64

// uniqueName gives each test its own primitives.
func uniqueName(t testing.TB) string {
	return fmt.Sprintf("%s/%d", t.Name(), nameSeq.Add(1))
}

// Session TTLs of the tests, in seconds. Ordinary sessions get a long one:
// on a loaded 2-core machine running the race detector and etcd in one
// process, a stall of a second or two is possible, and must not expire
// leases that are meant to live. Only the party meant to die gets crashTTL,
// which the crash tests measure against.
const (
	testTTL  = 10
	crashTTL = 2
)

// newSession returns a session on a new client of the shared cluster; both
// are closed when the test ends.
func newSession(t testing.TB) *concurrency.Session {
	t.Helper()
	return sessionOn(t, shared.NewClient(t))
}

func sessionOn(t testing.TB, c *clientv3.Client) *concurrency.Session {
	t.Helper()
	return sessionTTL(t, c, testTTL)
}

func sessionTTL(t testing.TB, c *clientv3.Client, ttl int) *concurrency.Session {
	t.Helper()
	s, err := concurrency.NewSession(c, concurrency.WithTTL(ttl))
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testCtx bounds a test so that a bug shows as a failure, not a hang.
func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// keysUnder counts the keys of a primitive of the given kind and name.
func keysUnder(t testing.TB, c *clientv3.Client, kind, name string) int64 {
	t.Helper()
	resp, err := c.Get(context.Background(), name+"\x00"+kind+"\x00", clientv3.WithPrefix(), clientv3.WithCountOnly())
	if err != nil {
		t.Fatal(err)
	}
	return resp.Count
}

func clientvPrefix() clientv3.OpOption { return clientv3.WithPrefix() }
