package dsync_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concurkit/concur/dsync"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
	"go.uber.org/zap"
	"google.golang.org/grpc"
)

// rtts counts the unary etcd requests (round trips) of the benchmark
// clients; watch streams are not counted, their events are pushed.
var rtts atomic.Int64

// benchClient returns a client of the shared cluster that counts its
// requests in rtts.
func benchClient(b *testing.B) *clientv3.Client {
	c, err := clientv3.New(clientv3.Config{
		Endpoints:   shared.Endpoints(),
		DialTimeout: 10 * time.Second,
		Logger:      zap.NewNop(),
		DialOptions: []grpc.DialOption{grpc.WithChainUnaryInterceptor(
			func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
				if method != "/etcdserverpb.Lease/LeaseKeepAlive" {
					rtts.Add(1)
				}
				return invoker(ctx, method, req, reply, cc, opts...)
			})},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

func benchSession(b *testing.B, c *clientv3.Client) *concurrency.Session {
	s, err := concurrency.NewSession(c, concurrency.WithTTL(10))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// locker is one holder's Lock+Unlock, by dsync or by etcd's own Mutex.
type locker func(ctx context.Context) error

func newLocker(b *testing.B, impl, name string) locker {
	s := benchSession(b, benchClient(b))
	switch impl {
	case "dsync":
		m := dsync.NewMutex(s, name)
		return func(ctx context.Context) error {
			if _, err := m.Lock(ctx); err != nil {
				return err
			}
			return m.Unlock(ctx)
		}
	default:
		m := concurrency.NewMutex(s, name)
		return func(ctx context.Context) error {
			if err := m.Lock(ctx); err != nil {
				return err
			}
			return m.Unlock(ctx)
		}
	}
}

// BenchmarkLockUnlock compares dsync.Mutex with etcd's concurrency.Mutex on
// the same embedded single-member cluster: one holder (latency), and 8
// holders in separate sessions contending (time per grant = 1/throughput).
func BenchmarkLockUnlock(b *testing.B) {
	for _, holders := range []int{1, 8} {
		for _, impl := range []string{"etcd", "dsync"} {
			b.Run(fmt.Sprintf("holders=%d/impl=%s", holders, impl), func(b *testing.B) {
				name := fmt.Sprintf("bench/%s/%d", impl, nameSeq.Add(1))
				ls := make([]locker, holders)
				for i := range ls {
					ls[i] = newLocker(b, impl, name)
				}
				benchHolders(b, len(ls), func(i int) error { return ls[i](context.Background()) })
			})
		}
	}
}

// BenchmarkSemaphore measures Acquire(1)+Release(1) on a semaphore of 4
// permits shared by 1, 8 or 64 clients, each with its own session.
func BenchmarkSemaphore(b *testing.B) {
	for _, clients := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			name := fmt.Sprintf("bench/sem/%d", nameSeq.Add(1))
			sems := make([]*dsync.Semaphore, clients)
			conns := make([]*clientv3.Client, min(clients, 8))
			for i := range conns {
				conns[i] = benchClient(b)
			}
			for i := range sems {
				sems[i] = dsync.NewSemaphore(benchSession(b, conns[i%len(conns)]), name, 4)
			}
			ctx := context.Background()
			benchHolders(b, clients, func(i int) error {
				if _, err := sems[i].Acquire(ctx, 1); err != nil {
					return err
				}
				return sems[i].Release(ctx, 1)
			})
		})
	}
}

// benchHolders runs b.N operations spread over n concurrent holders and
// reports the etcd round trips per operation.
func benchHolders(b *testing.B, n int, op func(i int) error) {
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := rtts.Load()
	for i := range n {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				if err := op(i); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(rtts.Load()-start)/float64(b.N), "rtts/op")
}
