package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestRunSmall(t *testing.T) {
	var out bytes.Buffer
	docs := []string{"the cat sat", "The elephant, the cat!", "zebra"}
	if err := run(&out, docs, 2, 0, 3); err != nil {
		t.Fatal(err)
	}
	want := "3 documents, 2 download workers\n" +
		"8 words analysed, 0 documents failed\n" +
		"longest words:  elephant zebra cat\n" +
		"most frequent:  the=3 cat=2 elephant=1\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

// reference computes the statistics of docs sequentially, without channels.
func reference(docs []string, top int) stats {
	var all []string
	for _, d := range docs {
		all = append(all, splitWords(d)...)
	}
	feed := func() <-chan string {
		ch := make(chan string, len(all))
		for _, w := range all {
			ch <- w
		}
		close(ch)
		return ch
	}
	var st stats
	st.longest, st.words = longestWords(feed(), top)
	st.frequent = frequentWords(feed(), top)
	return st
}

func TestPipelineMatchesSequentialReference(t *testing.T) {
	docs := documents()
	srv := httptest.NewServer(serve(docs))
	defer srv.Close()
	defer srv.Client().CloseIdleConnections()
	var urls []string
	for i := range docs {
		urls = append(urls, fmt.Sprintf("%s/docs/%d", srv.URL, i))
	}
	want := reference(docs, 10)
	for _, workers := range []int{1, 3, 8} {
		got := analyse(context.Background(), srv.Client(), urls, workers, 0, 10)
		if got.words != want.words || !slices.Equal(got.longest, want.longest) ||
			!slices.Equal(got.frequent, want.frequent) || got.failed != 0 {
			t.Errorf("workers %d: got %+v, want %+v", workers, got, want)
		}
	}
}

func TestFailedDownloadsAreCountedAndSkipped(t *testing.T) {
	srv := httptest.NewServer(serve([]string{"alpha beta", "gamma"}))
	defer srv.Close()
	defer srv.Client().CloseIdleConnections()
	urls := []string{srv.URL + "/docs/0", srv.URL + "/docs/7", srv.URL + "/nowhere", srv.URL + "/docs/1"}
	got := analyse(context.Background(), srv.Client(), urls, 2, 0, 5)
	if got.failed != 2 || got.words != 3 {
		t.Errorf("failed %d, words %d; want 2 failed and 3 words", got.failed, got.words)
	}
}

// TestEarlyQuitLeavesNothingBehind takes the first words while most documents
// hang on the server forever: analyse must return, abort the hanging
// downloads, and leave no goroutine running.
func TestEarlyQuitLeavesNothingBehind(t *testing.T) {
	hang := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/docs/0" || r.URL.Path == "/docs/1" {
			fmt.Fprint(w, strings.Repeat("word ", 50))
			return
		}
		<-r.Context().Done() // until the client gives up
	})
	srv := httptest.NewServer(hang)
	var urls []string
	for i := range 40 {
		urls = append(urls, fmt.Sprintf("%s/docs/%d", srv.URL, i))
	}
	done := make(chan stats)
	go func() { done <- analyse(context.Background(), srv.Client(), urls, 4, 7, 3) }()
	select {
	case st := <-done:
		if st.words != 7 || st.failed != 0 {
			t.Errorf("words %d, failed %d; want 7 words and no failure (aborted downloads are not failures)", st.words, st.failed)
		}
		if len(st.frequent) != 1 || st.frequent[0] != (wordFreq{"word", 7}) {
			t.Errorf("frequent = %v, want [{word 7}]", st.frequent)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("analyse did not return after taking its words")
	}
	srv.Client().CloseIdleConnections()
	srv.Close()
	goleak.VerifyNone(t)
}
