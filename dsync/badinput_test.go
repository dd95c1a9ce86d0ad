package dsync_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/concurkit/concur/dsync"
	"go.etcd.io/etcd/client/v3/concurrency"
)

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, _ := r.(string)
		if !strings.HasPrefix(msg, "dsync: ") {
			t.Errorf("%s: panic %v, want one starting with \"dsync: \"", what, r)
		}
	}()
	f()
}

func TestMisusePanics(t *testing.T) {
	s := newSession(t)
	var nilSession *concurrency.Session
	ctx := context.Background()
	var nilCtx context.Context
	mustPanic(t, "nil session", func() { dsync.NewMutex(nilSession, "x") })
	mustPanic(t, "nil session", func() { dsync.NewSemaphore(nilSession, "x", 1) })
	mustPanic(t, "nil session", func() { dsync.NewRWMutex(nilSession, "x", dsync.Fair) })
	mustPanic(t, "nil session", func() { dsync.NewBarrier(nilSession, "x", 1) })
	mustPanic(t, "nil session", func() { dsync.NewLatch(nilSession, "x", 1) })
	mustPanic(t, "empty name", func() { dsync.NewMutex(s, "") })
	mustPanic(t, "NUL in name", func() { dsync.NewMutex(s, "a\x00mutex") })
	mustPanic(t, "invalid UTF-8", func() { dsync.NewMutex(s, "a\xff") })
	mustPanic(t, "0 permits", func() { dsync.NewSemaphore(s, "x", 0) })
	mustPanic(t, "-1 permits", func() { dsync.NewSemaphore(s, "x", -1) })
	mustPanic(t, "0 parties", func() { dsync.NewBarrier(s, "x", 0) })
	mustPanic(t, "0 count", func() { dsync.NewLatch(s, "x", 0) })
	mustPanic(t, "unknown policy", func() { dsync.NewRWMutex(s, "x", dsync.Policy(7)) })
	sem := dsync.NewSemaphore(s, uniqueName(t), 2)
	mustPanic(t, "Acquire(0)", func() { sem.Acquire(ctx, 0) })
	mustPanic(t, "Acquire(3) of 2", func() { sem.Acquire(ctx, 3) })
	mustPanic(t, "Release without Acquire", func() { sem.Release(ctx, 1) })
	mustPanic(t, "Release(0)", func() { sem.Release(ctx, 0) })
	mustPanic(t, "Unlock of unlocked Mutex", func() { dsync.NewMutex(s, "x").Unlock(ctx) })
	mustPanic(t, "Unlock of unlocked RWMutex", func() { dsync.NewRWMutex(s, "x", 0).Unlock(ctx) })
	mustPanic(t, "RUnlock of unlocked RWMutex", func() { dsync.NewRWMutex(s, "x", 0).RUnlock(ctx) })
	mustPanic(t, "nil ctx", func() { dsync.NewMutex(s, "x").Lock(nilCtx) })
	// Nothing was written by any of the above.
	if n := keysUnder(t, s.Client(), "semaphore", "x"); n != 0 {
		t.Errorf("%d keys written", n)
	}
}

// TestNamesDoNotOverlap: a name that extends another, or the same name for
// another kind, is a separate primitive.
func TestNamesDoNotOverlap(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	s := newSession(t)
	a := dsync.NewMutex(s, name)
	if _, err := a.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*dsync.Mutex{dsync.NewMutex(s, name+"/b"), dsync.NewMutex(s, name+"/"), dsync.NewMutex(s, name+"mutex")} {
		if _, err := m.TryLock(ctx); err != nil {
			t.Fatalf("a name extending a held mutex's: %v", err)
		}
		m.Unlock(ctx)
	}
	sem := dsync.NewSemaphore(s, name, 1)
	if _, err := sem.TryAcquire(ctx, 1); err != nil {
		t.Fatalf("a semaphore of a held mutex's name: %v", err)
	}
	sem.Release(ctx, 1)
	a.Unlock(ctx)
}

// TestMismatchLeavesOthersAlone: a process using the name with another
// setting gets ErrMismatch, and the first process's holding is intact.
func TestMismatchLeavesOthersAlone(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	three := dsync.NewSemaphore(newSession(t), name, 3)
	four := dsync.NewSemaphore(newSession(t), name, 4)
	f, err := three.Acquire(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := four.Acquire(ctx, 1); !errors.Is(err, dsync.ErrMismatch) {
		t.Fatalf("Acquire with other permits: %v", err)
	}
	if _, err := four.TryAcquire(ctx, 1); !errors.Is(err, dsync.ErrMismatch) {
		t.Fatalf("TryAcquire with other permits: %v", err)
	}
	rwName := uniqueName(t)
	fair := dsync.NewRWMutex(newSession(t), rwName, dsync.Fair)
	if _, err := fair.RLock(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := dsync.NewRWMutex(newSession(t), rwName, dsync.WriterPreferring).Lock(ctx); !errors.Is(err, dsync.ErrMismatch) {
		t.Fatalf("RWMutex with another policy: %v", err)
	}
	bName := uniqueName(t)
	b2 := dsync.NewBarrier(newSession(t), bName, 2)
	done := make(chan error, 1)
	go func() { _, err := b2.Await(ctx); done <- err }()
	waitKeys(t, "barrier", bName, 2)
	if _, err := dsync.NewBarrier(newSession(t), bName, 3).Await(ctx); !errors.Is(err, dsync.ErrMismatch) {
		t.Fatalf("Barrier with other parties: %v", err)
	}
	if _, err := dsync.NewBarrier(newSession(t), bName, 2).Await(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := keysUnder(t, shared.NewClient(t), "semaphore", name); n != 1 {
		t.Fatalf("%d keys; want only the holder's", n)
	}
	if f.Token() == 0 {
		t.Fatal("no token")
	}
	if err := three.Release(ctx, 3); err != nil {
		t.Fatal(err)
	}
	fair.RUnlock(ctx)
}

// TestForeignKey: a key under a primitive's prefix that dsync did not write
// makes requests fail with ErrMismatch instead of being misread.
func TestForeignKey(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	c := shared.NewClient(t)
	if _, err := c.Put(ctx, name+"\x00mutex\x00q/x", "not dsync"); err != nil {
		t.Fatal(err)
	}
	if _, err := dsync.NewMutex(newSession(t), name).Lock(ctx); !errors.Is(err, dsync.ErrMismatch) {
		t.Fatalf("Lock beside a foreign key: %v", err)
	}
	if n := keysUnder(t, c, "mutex", name); n != 1 {
		t.Fatalf("%d keys; want only the foreign one", n)
	}
}
