package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/concurkit/concur/dsync"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
	"go.uber.org/zap"
)

// worker is one re-executed process: for each phase it makes its calls to
// the service, each under one permit of the shared semaphore, then waits at
// the barrier for the other workers.
func worker(out io.Writer) error {
	st, err := decodeSettings(os.Getenv(settingsEnv))
	if err != nil {
		return err
	}
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   strings.Split(os.Getenv(endpointsEnv), ","),
		DialTimeout: 10 * time.Second,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		return err
	}
	defer cli.Close()
	s, err := concurrency.NewSession(cli, concurrency.WithTTL(st.ttl))
	if err != nil {
		return err
	}
	defer s.Close() // a clean exit frees everything at once
	fmt.Fprintf(out, "lease %x\n", int64(s.Lease()))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sem := dsync.NewSemaphore(s, "example/api-calls", int64(st.permits))
	phase := dsync.NewBarrier(s, "example/phases", st.workers)
	url := os.Getenv(urlEnv)
	for p := 1; p <= st.phases; p++ {
		for range st.calls {
			if _, err := sem.Acquire(ctx, 1); err != nil {
				return err
			}
			if os.Getenv(crashEnv) != "" {
				fmt.Fprintln(out, "holding a permit; now it hangs until killed")
				select {}
			}
			resp, err := http.Get(url)
			if err == nil {
				resp.Body.Close()
			}
			if err := sem.Release(ctx, 1); err != nil {
				return err
			}
			if err != nil {
				return err
			}
		}
		arrival, err := phase.Await(ctx)
		if err != nil {
			return err
		}
		if arrival == 0 {
			fmt.Fprintf(out, "last to the barrier: phase %d done by all\n", p)
		}
	}
	return nil
}
