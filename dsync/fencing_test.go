package dsync_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/concurkit/concur/dsync"
)

// fenceLog checks, inside each holding, that its token is larger than the
// token of every holding it excludes that came before it.
type fenceLog struct {
	mu         sync.Mutex
	lastWriter int64
	maxReader  int64
	readers    int
	writers    int
}

func (l *fenceLog) write(t *testing.T, tok int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.writers != 0 || l.readers != 0 {
		t.Errorf("writer %d beside %d writers, %d readers", tok, l.writers, l.readers)
	}
	if tok <= l.lastWriter || tok <= l.maxReader {
		t.Errorf("writer token %d after writer %d, reader %d", tok, l.lastWriter, l.maxReader)
	}
	l.lastWriter = tok
	l.writers++
}

func (l *fenceLog) read(t *testing.T, tok int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.writers != 0 {
		t.Errorf("reader %d beside a writer", tok)
	}
	if tok <= l.lastWriter {
		t.Errorf("reader token %d after writer %d", tok, l.lastWriter)
	}
	l.maxReader = max(l.maxReader, tok)
	l.readers++
}

func (l *fenceLog) end(writer bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if writer {
		l.writers--
	} else {
		l.readers--
	}
}

// TestFenceTokensIncrease: across sessions, Lock/TryLock/RLock cycles, every
// grant's token exceeds those of the excluded holdings before it.
func TestFenceTokensIncrease(t *testing.T) {
	for _, p := range []dsync.Policy{dsync.WriterPreferring, dsync.ReaderPreferring, dsync.Fair} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			ctx := testCtx(t)
			name := uniqueName(t)
			var log fenceLog
			var wg sync.WaitGroup
			for w := range 4 {
				rw := dsync.NewRWMutex(newSession(t), name, p)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 8 {
						writer := (w+i)%3 == 0
						var f dsync.Fence
						var err error
						switch {
						case writer && i%2 == 0:
							f, err = rw.TryLock(ctx)
							if err == dsync.ErrWouldBlock {
								continue
							}
						case writer:
							f, err = rw.Lock(ctx)
						default:
							f, err = rw.RLock(ctx)
						}
						if err != nil {
							t.Error(err)
							return
						}
						if writer {
							log.write(t, f.Token())
							log.end(true)
							err = rw.Unlock(context.Background())
						} else {
							log.read(t, f.Token())
							log.end(false)
							err = rw.RUnlock(context.Background())
						}
						if err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
		})
	}
}
