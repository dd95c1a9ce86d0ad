package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// tree creates files (path -> contents) under a fresh directory.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for path, body := range files {
		full := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

var files = map[string]string{
	"README.md":            "treasure map\n",
	"a/notes.txt":          "nothing here\nthe treasure is buried\n",
	"a/b/c/deep.txt":       "one\ntwo\ntreasure three\n",
	"a/b/c/d/e/deeper.go":  "package e // treasure\n",
	"x/y/notes.txt":        "no luck\n",
	"x/empty/.keep":        "",
	"z/treasure.txt":       "gold\n",
	"z/zz/zzz/zzzz/z.txt":  "treasure\ntreasure\n",
	"a/b/sibling/file.txt": "treasure again\n",
}

func TestSearchByName(t *testing.T) {
	root := tree(t, files)
	var out bytes.Buffer
	if err := run(&out, root, "*.txt", ""); err != nil {
		t.Fatal(err)
	}
	want := "a/b/c/deep.txt\na/b/sibling/file.txt\na/notes.txt\nx/y/notes.txt\nz/treasure.txt\nz/zz/zzz/zzzz/z.txt\n6 matches\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestSearchByText(t *testing.T) {
	root := tree(t, files)
	var out bytes.Buffer
	if err := run(&out, root, "*", "treasure"); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"README.md:1: treasure map\n" +
		"a/b/c/d/e/deeper.go:1: package e // treasure\n" +
		"a/b/c/deep.txt:3: treasure three\n" +
		"a/b/sibling/file.txt:1: treasure again\n" +
		"a/notes.txt:2: the treasure is buried\n" +
		"z/zz/zzz/zzzz/z.txt:1: treasure\n" +
		"z/zz/zzz/zzzz/z.txt:2: treasure\n" +
		"7 matches\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestSearchReportsErrorsAndGoesOn(t *testing.T) {
	var out bytes.Buffer
	err := run(&out, filepath.Join(t.TempDir(), "missing"), "*", "")
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want a not-exist error", err)
	}
	if out.String() != "0 matches\n" {
		t.Errorf("output %q", out.String())
	}
	if _, err := search(".", "[", ""); err == nil || !strings.Contains(err.Error(), "bad pattern") {
		t.Errorf("bad pattern: err = %v", err)
	}
}

func TestWideTree(t *testing.T) {
	// 200 directories, one file each: 200 goroutines joined by one WaitGroup.
	many := map[string]string{}
	for i := range 200 {
		many[filepath.Join("d", string(rune('a'+i%26)), strings.Repeat("x", i/26+1), "f.txt")] = "hit\n"
	}
	root := tree(t, many)
	m, err := search(root, "f.txt", "hit")
	if err != nil || len(m) != 200 {
		t.Fatalf("got %d matches, err %v; want 200", len(m), err)
	}
}
