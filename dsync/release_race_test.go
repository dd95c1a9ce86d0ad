package dsync_test

import (
	"sync"
	"testing"

	"github.com/concurkit/concur/dsync"
)

// TestConcurrentPartialReleases: partial Releases of one holding through
// one handle, at once, return every permit they release.
func TestConcurrentPartialReleases(t *testing.T) {
	ctx := testCtx(t)
	name := uniqueName(t)
	a := dsync.NewSemaphore(newSession(t), name, 8)
	b := dsync.NewSemaphore(newSession(t), name, 8)
	for range 10 {
		if _, err := a.Acquire(ctx, 8); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := a.Release(ctx, 1); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		// 4 of 8 are free.
		if _, err := b.TryAcquire(ctx, 4); err != nil {
			t.Fatalf("TryAcquire(4) after 4 of 8 were released: %v", err)
		}
		b.Release(ctx, 4)
		a.Release(ctx, 4)
	}
}
