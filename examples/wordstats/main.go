// Wordstats is a pipeline over documents fetched from a web server, built
// from the operators of package chans: generate, fan-out, fan-in, broadcast
// and take, with an early exit that leaves no goroutine behind.
//
// The stages: Generate emits the URL of every document; ParallelMap downloads
// them with a fixed number of workers (fan-out and fan-in in one operator);
// FanOut hands the pages to several word extractors, and Merge joins their
// words into one stream (fan-in); Take keeps only the first words if a limit
// is set; Broadcast gives every word to two consumers at once, one that keeps
// the longest words and one that counts the most frequent. Each stage runs in
// its own goroutines and talks to the next only through a channel, so no
// state is shared and nothing needs a lock.
//
// Quitting early is the delicate part: when Take has its words, the stages
// upstream are still blocked sending, or downloading. Cancelling the
// pipeline's context releases all of them, aborts the downloads in flight, and
// every goroutine exits. The documents are served by a local net/http/httptest
// server from text embedded in the program.
package main

import (
	"cmp"
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"

	"github.com/concurkit/concur/chans"
	"github.com/concurkit/concur/syncx"
)

//go:embed documents.txt
var documentsText string

func main() {
	workers := flag.Int("workers", 4, "concurrent downloads")
	limit := flag.Int("limit", 0, "stop after this many words (0: all)")
	top := flag.Int("top", 5, "how many longest and most frequent words to show")
	flag.Parse()
	if err := run(os.Stdout, documents(), *workers, *limit, *top); err != nil {
		fmt.Fprintln(os.Stderr, "wordstats:", err)
		os.Exit(1)
	}
}

// documents returns the embedded documents, one per paragraph.
func documents() []string {
	return strings.Split(strings.TrimSpace(documentsText), "\n\n")
}

// serve returns a handler that serves docs[i] at /docs/i.
func serve(docs []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/docs/"))
		if err != nil || i < 0 || i >= len(docs) {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, docs[i])
	})
}

// A page is a downloaded document, or the error that prevented it.
type page struct {
	url  string
	body string
	err  error
}

// stats is what the two consumers found.
type stats struct {
	words    int        // words that reached the consumers
	failed   int64      // documents that could not be downloaded
	longest  []string   // the longest distinct words, longest first
	frequent []wordFreq // the most frequent words, most frequent first
}

type wordFreq struct {
	word  string
	count int
}

// analyse runs the pipeline over urls and returns what the consumers found.
// limit > 0 stops after that many words. It returns when both consumers are
// done; by then its context is cancelled, so every stage is on its way out.
func analyse(ctx context.Context, client *http.Client, urls []string, workers, limit, top int) stats {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // releases every stage still blocked upstream of Take

	var failed atomic.Int64
	fetch := func(url string) page {
		body, err := get(ctx, client, url)
		if err != nil && ctx.Err() == nil { // errors caused by our own cancel are not failures
			failed.Add(1)
		}
		return page{url, body, err}
	}
	pages := chans.ParallelMap(ctx, chans.Generate(ctx, urls...), workers, fetch)

	// Fan out to two extractors, fan their words back in.
	parts := chans.FanOut(ctx, pages, 2)
	extracted := make([]<-chan string, len(parts))
	for i, p := range parts {
		extracted[i] = extract(ctx, p)
	}
	words := chans.Merge(ctx, extracted...)
	if limit > 0 {
		words = chans.Take(ctx, words, limit)
	}

	outs := chans.Broadcast(ctx, words, 2)
	var (
		st stats
		wg syncx.WaitGroup
	)
	wg.Go(func() { st.longest, st.words = longestWords(outs[0], top) })
	wg.Go(func() { st.frequent = frequentWords(outs[1], top) })
	wg.Wait()
	cancel() // stop the downloads and stages Take no longer reads from
	st.failed = failed.Load()
	return st
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

// extract sends the lower-cased words of each page received from in, skipping
// pages that failed, until in closes or ctx ends. It is a flat-map: one page
// in, many words out, which Map (one value per value) cannot express.
func extract(ctx context.Context, in <-chan page) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for p := range chans.Seq(ctx, in) {
			if p.err != nil {
				continue
			}
			for _, w := range splitWords(p.body) {
				select {
				case out <- w:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

func splitWords(text string) []string {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) })
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	return words
}

// longestWords returns the top longest distinct words received from in (ties
// in alphabetical order) and the number of words received.
func longestWords(in <-chan string, top int) ([]string, int) {
	seen := map[string]bool{}
	n := 0
	for w := range in {
		seen[w] = true
		n++
	}
	words := make([]string, 0, len(seen))
	for w := range seen {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b))
	})
	return words[:min(top, len(words))], n
}

// frequentWords returns the top most frequent words received from in (ties in
// alphabetical order).
func frequentWords(in <-chan string, top int) []wordFreq {
	counts := map[string]int{}
	for w := range in {
		counts[w]++
	}
	freqs := make([]wordFreq, 0, len(counts))
	for w, c := range counts {
		freqs = append(freqs, wordFreq{w, c})
	}
	slices.SortFunc(freqs, func(a, b wordFreq) int {
		return cmp.Or(cmp.Compare(b.count, a.count), strings.Compare(a.word, b.word))
	})
	return freqs[:min(top, len(freqs))]
}

// run serves docs from a local server, analyses them, and prints the result.
func run(w io.Writer, docs []string, workers, limit, top int) error {
	if workers < 1 || limit < 0 || top < 0 {
		return fmt.Errorf("need workers >= 1, limit >= 0 and top >= 0")
	}
	srv := httptest.NewServer(serve(docs))
	defer srv.Close()
	client := srv.Client()
	defer client.CloseIdleConnections()

	urls := make([]string, len(docs))
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/docs/%d", srv.URL, i)
	}
	st := analyse(context.Background(), client, urls, workers, limit, top)

	fmt.Fprintf(w, "%d documents, %d download workers", len(docs), workers)
	if limit > 0 {
		fmt.Fprintf(w, ", stopping after %d words", limit)
	}
	fmt.Fprintf(w, "\n%d words analysed, %d documents failed\n", st.words, st.failed)
	fmt.Fprintf(w, "longest words:  %s\n", strings.Join(st.longest, " "))
	fmt.Fprint(w, "most frequent: ")
	for _, f := range st.frequent {
		fmt.Fprintf(w, " %s=%d", f.word, f.count)
	}
	fmt.Fprintln(w)
	return nil
}
