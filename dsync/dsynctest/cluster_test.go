package dsynctest_test

import (
	"context"
	"net"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/concurkit/concur/dsync/dsynctest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestClusterCleansUp: a cluster listens on loopback only, on ports picked
// at run time, and is gone when its test ends: no listener, no data
// directory, no goroutine (TestMain checks).
func TestClusterCleansUp(t *testing.T) {
	var eps []string
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the cluster makes its data directory
	t.Run("inner", func(t *testing.T) {
		e := dsynctest.Cluster(t, 1)
		eps = e.Endpoints()
		c := e.NewClient(t)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := c.Put(ctx, "k", "v"); err != nil {
			t.Fatal(err)
		}
		for _, ep := range eps {
			u, err := url.Parse(ep)
			if err != nil {
				t.Fatal(err)
			}
			host, port, _ := net.SplitHostPort(u.Host)
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				t.Errorf("endpoint %s is not on loopback", ep)
			}
			if port == "2379" || port == "2380" {
				t.Errorf("endpoint %s uses etcd's fixed port", ep)
			}
		}
		if d, _ := os.ReadDir(tmp); len(d) == 0 {
			t.Error("no data directory under TMPDIR")
		}
	})
	for _, ep := range eps {
		u, _ := url.Parse(ep)
		if conn, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
			conn.Close()
			t.Errorf("%s still accepts connections after the test", ep)
		}
	}
	if d, _ := os.ReadDir(tmp); len(d) != 0 {
		t.Errorf("%d entries left in the temporary directory, e.g. %s", len(d), d[0].Name())
	}
}
