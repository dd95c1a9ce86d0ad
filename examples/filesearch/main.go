// Filesearch searches a directory tree for files by name or by content, with
// one goroutine per directory.
//
// A tree is a natural source of parallel work: the subdirectories of a
// directory can be searched independently. Each directory gets its own
// goroutine, which starts a goroutine for every subdirectory it finds, so the
// number of goroutines follows the shape of the tree (goroutines are cheap
// enough for that). A syncx.WaitGroup joins them all, including those started
// by other goroutines: Go adds to the count before the new goroutine runs, so
// the count cannot reach zero while a parent is still spawning. Matches go
// into a slice guarded by a syncx.Mutex and are sorted at the end, because
// goroutines finish in no particular order.
//
//	go run ./examples/filesearch -name '*.go' -text Mutex .
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concurkit/concur/syncx"
)

func main() {
	name := flag.String("name", "*", "file name pattern (filepath.Match syntax)")
	text := flag.String("text", "", "if set, report the lines of matching files that contain this text")
	flag.Parse()
	root := "."
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	if err := run(os.Stdout, root, *name, *text); err != nil {
		fmt.Fprintln(os.Stderr, "filesearch:", err)
		os.Exit(1)
	}
}

// A match is a file whose name matches, and, when searching for text, one line
// of it that contains the text.
type match struct {
	path string // relative to the root, with forward slashes
	line int    // 0 when searching by name only
	text string
}

// search looks for files under root whose base name matches the pattern and,
// if text is not empty, for the lines of those files that contain text. It
// returns the matches sorted by path and line, and the errors met on the way
// (unreadable directories or files), joined; the search goes on past them.
func search(root, pattern, text string) ([]match, error) {
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, fmt.Errorf("bad pattern %q: %w", pattern, err)
	}
	var (
		wg      syncx.WaitGroup
		mu      syncx.Mutex // guards matches and errs
		matches []match
		errs    []error
	)
	report := func(m []match, err error) {
		mu.Lock()
		matches = append(matches, m...)
		if err != nil {
			errs = append(errs, err)
		}
		mu.Unlock()
	}
	var visit func(dir string)
	visit = func(dir string) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			report(nil, err)
			return
		}
		var found []match // collected locally, reported once per directory
		for _, e := range entries {
			path := filepath.Join(dir, e.Name())
			if e.IsDir() {
				wg.Go(func() { visit(path) })
				continue
			}
			if ok, _ := filepath.Match(pattern, e.Name()); !ok || !e.Type().IsRegular() {
				continue
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			if text == "" {
				found = append(found, match{path: rel})
				continue
			}
			lines, err := grep(path, text)
			for _, l := range lines {
				l.path = rel
				found = append(found, l)
			}
			if err != nil {
				report(nil, err)
			}
		}
		report(found, nil)
	}
	wg.Go(func() { visit(root) })
	wg.Wait()
	slices.SortFunc(matches, func(a, b match) int {
		if c := strings.Compare(a.path, b.path); c != 0 {
			return c
		}
		return a.line - b.line
	})
	return matches, errors.Join(errs...)
}

// grep returns the lines of the file at path that contain text.
func grep(path, text string) ([]match, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var found []match
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), text) {
			found = append(found, match{line: n, text: sc.Text()})
		}
	}
	if err := sc.Err(); err != nil {
		return found, fmt.Errorf("%s: %w", path, err)
	}
	return found, nil
}

// run searches root and prints one line per match: the path, or
// path:line: text when searching for text.
func run(w io.Writer, root, pattern, text string) error {
	matches, err := search(root, pattern, text)
	for _, m := range matches {
		if m.line == 0 {
			fmt.Fprintln(w, m.path)
		} else {
			fmt.Fprintf(w, "%s:%d: %s\n", m.path, m.line, strings.TrimSpace(m.text))
		}
	}
	fmt.Fprintf(w, "%d matches\n", len(matches))
	return err
}
