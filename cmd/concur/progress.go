package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// bar is the progress shown on stderr while concur measures: one line,
// redrawn in place on each step ("measuring  37/190  letters/atomics N=2
// (3/5)  12s"). Hidden, it does nothing, so measuring code reports progress
// unconditionally. It starts no goroutine: it is redrawn only by steps.
type bar struct {
	mu      sync.Mutex
	w       io.Writer // nil when hidden
	title   string
	total   int // -1: unknown
	n       int
	start   time.Time
	shown   bool
	lastLen int
}

// newBar returns a progress line of total steps (-1: unknown) on w, or a
// hidden one when show is false.
func newBar(w io.Writer, show bool, total int, title string) *bar {
	if !show {
		return &bar{}
	}
	return &bar{w: w, title: title, total: total, start: time.Now()}
}

// step marks one step done and shows what ran.
func (b *bar) step(desc string) {
	if b.w == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	count := fmt.Sprintf("%d", b.n)
	if b.total >= 0 {
		count = fmt.Sprintf("%d/%d", b.n, b.total)
	}
	line := fmt.Sprintf("%s  %s  %s  %s", b.title, count, desc, time.Since(b.start).Round(time.Second))
	pad := max(0, b.lastLen-len(line))
	fmt.Fprintf(b.w, "\r%s%*s", line, pad, "")
	b.lastLen = len(line)
	b.shown = true
}

// clear erases the line so that what is printed next is not mixed with it;
// the next step draws it again.
func (b *bar) clear() {
	if b.w == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shown {
		fmt.Fprintf(b.w, "\r%*s\r", b.lastLen, "")
		b.shown, b.lastLen = false, 0
	}
}

// done clears the line; it may be called more than once.
func (b *bar) done() { b.clear() }
