package main

import (
	"bytes"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestCountersAgreeOnSmallInput(t *testing.T) {
	docs := []string{"Aab", "b, c!", "ÉÉ é", ""}
	want := map[rune]int{'a': 2, 'b': 2, 'c': 1, 'é': 3}
	if got := countSequential(docs); !equal(got, want) {
		t.Fatalf("countSequential = %v, want %v", got, want)
	}
	for _, workers := range []int{1, 2, 3, 7} {
		if got := countLockPerUpdate(docs, workers); !equal(got, want) {
			t.Errorf("countLockPerUpdate(%d) = %v, want %v", workers, got, want)
		}
		if got := countMergeOnce(docs, workers); !equal(got, want) {
			t.Errorf("countMergeOnce(%d) = %v, want %v", workers, got, want)
		}
	}
}

func TestCountersAgreeOnCorpus(t *testing.T) {
	docs := documents(3)
	if len(docs) != 3*11 {
		t.Fatalf("documents(3) has %d documents, want 33 (11 paragraphs)", len(docs))
	}
	want := countSequential(docs)
	if want['e'] == 0 || want['e'] < want['z'] {
		t.Fatalf("implausible counts %v", want)
	}
	if got := countLockPerUpdate(docs, 4); !equal(got, want) {
		t.Errorf("countLockPerUpdate differs: %v vs %v", got, want)
	}
	if got := countMergeOnce(docs, 4); !equal(got, want) {
		t.Errorf("countMergeOnce differs: %v vs %v", got, want)
	}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out, []string{"ab ba", "cab"}, 2, 3); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"2 documents, 2 goroutines, median of 3 interleaved runs\n",
		"sequential",
		"shared map, lock per letter",
		"local maps, merged once",
		"most frequent letters: a=3 b=3 c=1\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Count(s, "x [") != 3 {
		t.Errorf("want three speed-up lines with their range:\n%s", s)
	}
	if err := run(&out, nil, 0, 3); err == nil {
		t.Error("run with 0 workers did not fail")
	}
	if err := run(&out, nil, 1, 0); err == nil {
		t.Error("run with 0 repetitions did not fail")
	}
}

func TestTopBreaksTiesAlphabetically(t *testing.T) {
	if got := top(map[rune]int{'z': 2, 'a': 2, 'm': 5}, 2); got != "m=5 a=2" {
		t.Errorf("top = %q, want %q", got, "m=5 a=2")
	}
}
