// Workers hashes every file under a directory with a bounded pool of worker
// goroutines, and shows what happens to errors and panics in the workers.
//
// A goroutine per file would open thousands of files at once; pool.Map runs
// the hashing on at most -limit goroutines and returns the digests in the
// order of the files, whatever order they finish in. Errors have two
// policies. By default a file that cannot be read is an ordinary result: the
// worker records the error with the file and returns nil, so the others go on.
// With -failfast the worker returns the error instead: pool.Map then starts no
// new file, cancels the context of the running ones, and returns every error
// that occurred. A panic in a worker is a bug, not an error: pool.Map re-raises
// it in the caller as a *syncx.PanicError that keeps the worker's stack, so
// the crash report points at the code that panicked; this program recovers it
// at the top and reports it. Try -buggy NAME to make hashing panic on a file.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/concurkit/concur/pool"
	"github.com/concurkit/concur/syncx"
)

func main() {
	limit := flag.Int("limit", runtime.GOMAXPROCS(0), "files hashed at once")
	failFast := flag.Bool("failfast", false, "stop at the first file that cannot be read")
	buggy := flag.String("buggy", "", "make hashing panic on files with this name (to see the panic report)")
	flag.Parse()
	root := "."
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	sum := sha256Hex
	if *buggy != "" {
		sum = buggySum(*buggy)
	}
	if err := run(os.Stdout, root, *limit, *failFast, sum); err != nil {
		fmt.Fprintln(os.Stderr, "workers:", err)
		os.Exit(1)
	}
}

// A digest is the hash of one file, or why it could not be computed.
type digest struct {
	path string // relative to the root, with forward slashes
	size int
	sum  string
	err  error
}

// A sumFunc computes the digest of a file's contents.
type sumFunc func(path string, data []byte) string

func sha256Hex(_ string, data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// buggySum is sha256Hex with a bug: it panics on files named name.
func buggySum(name string) sumFunc {
	return func(path string, data []byte) string {
		if filepath.Base(path) == name {
			var counts map[string]int
			counts[path]++ // assignment to entry in nil map
		}
		return sha256Hex(path, data)
	}
}

// files lists every entry under root that is not a directory (regular files,
// and symbolic links, which are followed when read), in lexical order.
func files(root string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			paths = append(paths, path)
		}
		return nil
	})
	return paths, err
}

// hashTree hashes every file under root on at most limit goroutines and
// returns one digest per file, in lexical order of the paths. With failFast,
// the first unreadable file stops the work and the error is returned;
// otherwise it is recorded in that file's digest. A panic in sum is returned
// as an error wrapping the *syncx.PanicError that pool.Map raised.
func hashTree(ctx context.Context, root string, limit int, failFast bool, sum sumFunc) (digests []digest, err error) {
	paths, err := files(root)
	if err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*syncx.PanicError)
			if !ok {
				panic(r) // not from a worker: not ours to handle
			}
			digests, err = nil, fmt.Errorf("a worker panicked: %w", pe)
		}
	}()
	digests, err = pool.Map(ctx, paths, limit, func(ctx context.Context, path string) (digest, error) {
		rel, _ := filepath.Rel(root, path)
		d := digest{path: filepath.ToSlash(rel)}
		if err := ctx.Err(); err != nil {
			return d, err // cancelled: do not start reading
		}
		data, err := os.ReadFile(path)
		if err != nil {
			d.err = err
			if failFast {
				return d, err
			}
			return d, nil // an unreadable file is a result, not a failure of the job
		}
		d.size, d.sum = len(data), sum(path, data)
		return d, nil
	})
	return digests, err
}

// run hashes the files under root and prints one line per file and a summary.
func run(w io.Writer, root string, limit int, failFast bool, sum sumFunc) error {
	digests, err := hashTree(context.Background(), root, limit, failFast, sum)
	if pe := (*syncx.PanicError)(nil); errors.As(err, &pe) {
		fmt.Fprintf(w, "a worker panicked: %v\n", pe.Value)
		if fn, loc := panicSite(pe.Stack); fn != "" {
			fmt.Fprintf(w, "  in %s\n  at %s\n", fn, loc)
		}
		return fmt.Errorf("stopped by a panic in a worker: %v", pe.Value)
	}
	hashed, failed := 0, 0
	for _, d := range digests {
		switch {
		case d.err != nil:
			failed++
			fmt.Fprintf(w, "%-16s %8s  %s: %v\n", "ERROR", "", d.path, d.err)
		case d.sum != "":
			hashed++
			fmt.Fprintf(w, "%.16s %8d  %s\n", d.sum, d.size, d.path)
		}
	}
	fmt.Fprintf(w, "%d files hashed, %d unreadable, %d not started; at most %d at once\n",
		hashed, failed, len(digests)-hashed-failed, limit)
	return err
}

// panicSite finds, in a stack formatted by runtime/debug.Stack, the function
// that called panic (explicitly or through a runtime error) and its file:line.
func panicSite(stack []byte) (fn, loc string) {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		// A frame is two lines: "pkg.func(args)" and "\tfile:line +0xoff".
		if strings.HasPrefix(l, "panic(") && i+3 < len(lines) {
			fn = lines[i+2]
			if j := strings.LastIndex(fn, "("); j > 0 {
				fn = fn[:j]
			}
			loc, _, _ = strings.Cut(strings.TrimSpace(lines[i+3]), " ")
			return fn, loc
		}
	}
	return "", ""
}
