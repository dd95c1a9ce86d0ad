package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concurkit/concur/syncx"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var contents = map[string]string{
	"a.txt":          "alpha",
	"b.txt":          "bravo",
	"sub/c.txt":      "charlie",
	"sub/deep/d.txt": "",
}

// tree makes the files of contents and a dangling symbolic link named broken.
func tree(t *testing.T, broken string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range contents {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "nowhere"), filepath.Join(root, filepath.FromSlash(broken))); err != nil {
		t.Skip("cannot make a symbolic link:", err)
	}
	return root
}

func hexSum(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s))) }

func TestHashTreeRecordsUnreadableFilesAndGoesOn(t *testing.T) {
	root := tree(t, "sub/link")
	got, err := hashTree(context.Background(), root, 2, false, sha256Hex)
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"a.txt", "b.txt", "sub/c.txt", "sub/deep/d.txt", "sub/link"}
	if len(got) != len(paths) {
		t.Fatalf("got %d digests, want %d: %v", len(got), len(paths), got)
	}
	for i, d := range got {
		if d.path != paths[i] {
			t.Errorf("digest %d is for %q, want %q (input order)", i, d.path, paths[i])
		}
		if d.path == "sub/link" {
			if !errors.Is(d.err, fs.ErrNotExist) {
				t.Errorf("broken link: err = %v, want not-exist", d.err)
			}
			continue
		}
		if body := contents[d.path]; d.err != nil || d.sum != hexSum(body) || d.size != len(body) {
			t.Errorf("%s: %+v, want sum %s size %d", d.path, d, hexSum(body), len(body))
		}
	}
}

func TestRunOutput(t *testing.T) {
	root := tree(t, "sub/link")
	var out bytes.Buffer
	if err := run(&out, root, 2, false, sha256Hex); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []string{
		fmt.Sprintf("%.16s %8d  a.txt", hexSum("alpha"), 5),
		fmt.Sprintf("%.16s %8d  b.txt", hexSum("bravo"), 5),
		fmt.Sprintf("%.16s %8d  sub/c.txt", hexSum("charlie"), 7),
		fmt.Sprintf("%.16s %8d  sub/deep/d.txt", hexSum(""), 0),
		"ERROR                      sub/link: open ",
		"4 files hashed, 1 unreadable, 0 not started; at most 2 at once",
	}
	if len(lines) != len(want) {
		t.Fatalf("output:\n%s", out.String())
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], want[i])
		}
	}
}

func TestFailFastStopsAtTheFirstUnreadableFile(t *testing.T) {
	root := tree(t, "a-broken") // sorts first
	var out bytes.Buffer
	// With limit 1 the files run one after another, in order: nothing
	// starts after the failure.
	err := run(&out, root, 1, true, sha256Hex)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want not-exist", err)
	}
	if !strings.HasSuffix(out.String(), "0 files hashed, 1 unreadable, 4 not started; at most 1 at once\n") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestPanicInAWorkerIsReportedWithItsStack(t *testing.T) {
	root := tree(t, "sub/link")
	_, err := hashTree(context.Background(), root, 3, false, buggySum("b.txt"))
	var pe *syncx.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a *syncx.PanicError", err)
	}
	if _, ok := pe.Value.(runtime.Error); !ok {
		t.Errorf("panic value %v, want the runtime error of the nil map", pe.Value)
	}
	if fn, loc := panicSite(pe.Stack); !strings.Contains(fn, "buggySum") || !strings.Contains(loc, "main.go:") {
		t.Errorf("panic site %q at %q, want buggySum in main.go", fn, loc)
	}

	var out bytes.Buffer
	err = run(&out, root, 3, false, buggySum("b.txt"))
	if err == nil || !strings.Contains(err.Error(), "nil map") {
		t.Errorf("run: err = %v", err)
	}
	if o := out.String(); !strings.HasPrefix(o, "a worker panicked: assignment to entry in nil map\n  in ") ||
		!strings.Contains(o, "buggySum") || !strings.Contains(o, "main.go:") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestNeverMoreThanLimitAtOnce(t *testing.T) {
	root := t.TempDir()
	for i := range 30 {
		if err := os.WriteFile(filepath.Join(root, fmt.Sprintf("f%02d", i)), []byte{byte(i)}, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var inFlight, most atomic.Int64
	counting := func(path string, data []byte) string {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(time.Millisecond) // lets the calls overlap
		return sha256Hex(path, data)
	}
	got, err := hashTree(context.Background(), root, 3, false, counting)
	if err != nil || len(got) != 30 {
		t.Fatalf("got %d digests, err %v", len(got), err)
	}
	if m := most.Load(); m > 3 || m < 1 {
		t.Errorf("at most %d calls at once, want 1..3", m)
	}
}
