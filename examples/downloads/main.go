// Downloads fetches many files but never more than N at a time, the classic
// use of a counting semaphore.
//
// Starting one goroutine per download is easy and, for a thousand files,
// rude: the server (or the network, or the file-descriptor limit) suffers. A
// semaphore with N permits bounds the work in flight: acquire a permit before
// starting a download, release it when the download ends. Acquiring before
// the goroutine starts bounds the goroutines too, and the context passed to
// Acquire stops the loop from queueing more work once the caller gives up.
// The files come from a local net/http/httptest server that counts the
// requests it serves at the same moment, so the program can show that the
// limit held.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/concurkit/concur/syncx"
)

func main() {
	files := flag.Int("files", 20, "files to download")
	limit := flag.Int("limit", 4, "at most this many downloads at once")
	delay := flag.Duration("delay", 50*time.Millisecond, "time the server takes per file")
	flag.Parse()
	if err := run(os.Stdout, *files, *limit, *delay); err != nil {
		fmt.Fprintln(os.Stderr, "downloads:", err)
		os.Exit(1)
	}
}

// stats counts the requests a server is serving now and the most it served at
// once.
type stats struct {
	inFlight, most atomic.Int64
}

// track wraps h so that st counts the requests it serves concurrently.
func track(h http.Handler, st *stats) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := st.inFlight.Add(1)
		defer st.inFlight.Add(-1)
		for {
			m := st.most.Load()
			if n <= m || st.most.CompareAndSwap(m, n) {
				break
			}
		}
		h.ServeHTTP(w, r)
	})
}

// slowFiles serves /files/NAME with the body "contents of NAME", taking delay
// per request.
func slowFiles(delay time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/files/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		fmt.Fprintf(w, "contents of %s", name)
	})
}

// download fetches every URL with at most limit requests in flight, and
// returns the bodies in the order of urls. The first failure cancels the
// downloads not yet started and is returned.
func download(ctx context.Context, client *http.Client, urls []string, limit int) ([]string, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := syncx.NewSemaphore(int64(limit))
	bodies := make([]string, len(urls))
	var wg syncx.WaitGroup
	for i, u := range urls {
		if err := sem.Acquire(ctx, 1); err != nil {
			break // cancelled: start nothing more
		}
		if ctx.Err() != nil { // a failure freed this permit: it came with the cancellation
			sem.Release(1)
			break
		}
		wg.Go(func() {
			defer sem.Release(1)
			body, err := get(ctx, client, u)
			if err != nil {
				cancel(err) // only the first cause is kept
				return
			}
			bodies[i] = body // each goroutine writes its own element
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return bodies, nil
}

func get(ctx context.Context, client *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// urls returns the addresses of n files on the server at base.
func urls(base string, n int) []string {
	us := make([]string, n)
	for i := range us {
		us[i] = fmt.Sprintf("%s/files/file-%02d.txt", base, i)
	}
	return us
}

// run downloads files files from a local server that takes delay per file,
// at most limit at once, and prints what the server observed.
func run(w io.Writer, files, limit int, delay time.Duration) error {
	if limit < 1 {
		return fmt.Errorf("limit must be at least 1, not %d", limit)
	}
	var st stats
	srv := httptest.NewServer(track(slowFiles(delay), &st))
	defer srv.Close()
	client := srv.Client()
	defer client.CloseIdleConnections()

	start := time.Now()
	bodies, err := download(context.Background(), client, urls(srv.URL, files), limit)
	if err != nil {
		return err
	}
	took := time.Since(start)
	size := 0
	for _, b := range bodies {
		size += len(b)
	}
	fmt.Fprintf(w, "downloaded %d files (%d bytes) with a limit of %d at once\n", len(bodies), size, limit)
	fmt.Fprintf(w, "the server served at most %d requests at the same moment\n", st.most.Load())
	fmt.Fprintf(w, "took %v; one at a time would take about %v\n",
		took.Round(time.Millisecond), (time.Duration(files) * delay).Round(time.Millisecond))
	if len(bodies) > 0 {
		fmt.Fprintf(w, "first file: %q\n", bodies[0])
	}
	return nil
}
