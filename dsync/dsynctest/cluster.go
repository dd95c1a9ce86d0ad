// Package dsynctest starts etcd inside a test process, so that tests of code
// built on dsync need no etcd installation and no external service.
//
// Each member listens on loopback ports picked when it starts, keeps its data
// in a temporary directory, skips fsync (a test cluster need not survive a
// power cut) and logs nothing below error level.
package dsynctest

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// Etcd is a running embedded etcd cluster of one or more members.
type Etcd struct {
	mu      sync.Mutex
	dir     string
	members []*member
	clients []*clientv3.Client
	closed  bool
}

type member struct {
	name   string
	dir    string
	peer   url.URL
	client url.URL
	srv    *embed.Etcd // nil while stopped
}

// startTimeout bounds how long a member may take to join its cluster.
const startTimeout = 60 * time.Second

// Cluster starts an embedded etcd cluster of members members (1 or 3 are
// the usual sizes) and stops it, closing every client it made, when the test
// and its subtests finish. It fails the test if the cluster cannot start.
func Cluster(tb testing.TB, members int) *Etcd {
	tb.Helper()
	e, err := Start(members)
	if err != nil {
		tb.Fatalf("dsynctest: %v", err)
	}
	tb.Cleanup(e.Close)
	return e
}

// Start starts an embedded etcd cluster outside a test (for TestMain or an
// example program); the caller must call Close.
func Start(members int) (*Etcd, error) {
	if members < 1 {
		panic("dsynctest: a cluster needs at least one member")
	}
	dir, err := os.MkdirTemp("", "dsynctest-")
	if err != nil {
		return nil, err
	}
	e := &Etcd{dir: dir}
	// Ports picked by listening on port 0 and closing may be taken by
	// someone else before etcd binds them; such a start is retried with new
	// ports.
	for attempt := 0; ; attempt++ {
		err = e.startNew(members, attempt)
		if err == nil {
			return e, nil
		}
		e.stopAll()
		if attempt == 2 {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

func (e *Etcd) startNew(n, attempt int) error {
	ports, err := freePorts(2 * n)
	if err != nil {
		return err
	}
	e.members = make([]*member, n)
	var initial []string
	for i := range e.members {
		m := &member{
			name:   fmt.Sprintf("m%d", i),
			dir:    fmt.Sprintf("%s/a%d-m%d", e.dir, attempt, i),
			peer:   url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", ports[2*i])},
			client: url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", ports[2*i+1])},
		}
		e.members[i] = m
		initial = append(initial, m.name+"="+m.peer.String())
	}
	errs := make(chan error, n)
	for _, m := range e.members {
		go func() { errs <- m.start(strings.Join(initial, ","), "new") }()
	}
	for range e.members {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

func (m *member) start(initial, state string) error {
	cfg := embed.NewConfig()
	cfg.Name = m.name
	cfg.Dir = m.dir
	cfg.ListenPeerUrls = []url.URL{m.peer}
	cfg.AdvertisePeerUrls = []url.URL{m.peer}
	cfg.ListenClientUrls = []url.URL{m.client}
	cfg.AdvertiseClientUrls = []url.URL{m.client}
	cfg.InitialCluster = initial
	cfg.InitialClusterToken = "dsynctest"
	cfg.ClusterState = state
	cfg.UnsafeNoFsync = true
	cfg.LogLevel = "error"
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	srv, err := embed.StartEtcd(cfg)
	if err != nil {
		return fmt.Errorf("start member %s: %w", m.name, err)
	}
	select {
	case <-srv.Server.ReadyNotify():
		m.srv = srv
		return nil
	case err := <-srv.Err():
		srv.Close()
		return fmt.Errorf("member %s: %w", m.name, err)
	case <-time.After(startTimeout):
		srv.Close()
		return fmt.Errorf("member %s did not become ready within %v", m.name, startTimeout)
	}
}

// freePorts returns n loopback TCP ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	ports := make([]int, n)
	ls := make([]net.Listener, n)
	defer func() {
		for _, l := range ls {
			if l != nil {
				l.Close()
			}
		}
	}()
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls[i] = l
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports, nil
}

// Endpoints returns the client URLs of all members, running or not.
func (e *Etcd) Endpoints() []string {
	var eps []string
	for _, m := range e.members {
		eps = append(eps, m.client.String())
	}
	return eps
}

// Members returns the number of members.
func (e *Etcd) Members() int { return len(e.members) }

// Client returns a new client connected to every member; Close closes it.
func (e *Etcd) Client() (*clientv3.Client, error) {
	return e.ClientOf(e.Endpoints()...)
}

// ClientOf returns a new client connected to the given endpoints only;
// Close closes it.
func (e *Etcd) ClientOf(endpoints ...string) (*clientv3.Client, error) {
	c, err := clientv3.New(clientv3.Config{
		Endpoints:   endpoints,
		DialTimeout: 10 * time.Second,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		c.Close()
		return nil, fmt.Errorf("dsynctest: cluster is closed")
	}
	e.clients = append(e.clients, c)
	return c, nil
}

// NewClient is Client for a test: it fails the test on error.
func (e *Etcd) NewClient(tb testing.TB) *clientv3.Client {
	tb.Helper()
	c, err := e.Client()
	if err != nil {
		tb.Fatalf("dsynctest: client: %v", err)
	}
	return c
}

// Stop stops member i, keeping its data so that Restart can bring it back.
func (e *Etcd) Stop(i int) {
	m := e.members[i]
	if m.srv != nil {
		m.srv.Close()
		m.srv = nil
	}
}

// Restart starts member i again after Stop, on the same ports and data.
func (e *Etcd) Restart(i int) error {
	m := e.members[i]
	if m.srv != nil {
		return nil
	}
	var initial []string
	for _, o := range e.members {
		initial = append(initial, o.name+"="+o.peer.String())
	}
	return m.start(strings.Join(initial, ","), "existing")
}

// Close closes every client made by Client and stops every member. It may
// be called more than once.
func (e *Etcd) Close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	clients := e.clients
	e.clients = nil
	e.mu.Unlock()
	for _, c := range clients {
		c.Close()
	}
	e.stopAll()
	os.RemoveAll(e.dir)
}

func (e *Etcd) stopAll() {
	for i := range e.members {
		e.Stop(i)
	}
}
