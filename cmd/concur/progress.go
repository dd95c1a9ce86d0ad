package main

import (
	"io"
	"sync"

	"github.com/schollz/progressbar/v3"
)

// bar is the progress shown on stderr while concur measures. Hidden, it does
// nothing, so measuring code reports progress unconditionally.
type bar struct {
	mu   sync.Mutex
	pb   *progressbar.ProgressBar
	once sync.Once
}

// newBar returns a progress bar of total steps (-1: unknown, a spinner) on w,
// or a hidden one when show is false.
func newBar(w io.Writer, show bool, total int, desc string) *bar {
	if !show {
		return &bar{}
	}
	return &bar{pb: progressbar.NewOptions(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWidth(24),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionClearOnFinish(),
		// No ticker goroutine: the bar is redrawn on each step.
		progressbar.OptionSetSpinnerChangeInterval(0),
	)}
}

// step marks one step done and shows what runs next.
func (b *bar) step(desc string) {
	if b.pb == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pb.Describe(desc)
	b.pb.Add(1)
}

// describe shows what runs now without counting a step.
func (b *bar) describe(desc string) {
	if b.pb == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pb.Describe(desc)
}

// done clears the bar; it may be called more than once.
func (b *bar) done() {
	if b.pb == nil {
		return
	}
	b.once.Do(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.pb.Finish()
		b.pb.Clear()
	})
}

// clear erases the bar so that a line printed next is not mixed with it;
// the next step draws it again.
func (b *bar) clear() {
	if b.pb == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pb.Clear()
}
