package chans_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/concurkit/concur/chans"
)

// TestBadArgumentsPanic checks that every programming error is caught at the
// call, with a message that names the package and the operator.
func TestBadArgumentsPanic(t *testing.T) {
	ctx := t.Context()
	in := make(chan int)
	g, _ := chans.NewGroup(ctx)
	var nilCtx context.Context
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"FromSeq nil seq", func() { chans.FromSeq[int](ctx, nil) }, "chans: FromSeq with nil sequence"},
		{"Map nil f", func() { chans.Map[int, int](ctx, in, nil) }, "chans: Map with nil function"},
		{"Filter nil keep", func() { chans.Filter(ctx, in, nil) }, "chans: Filter with nil function"},
		{"ParallelMap nil f", func() { chans.ParallelMap[int, int](ctx, in, 2, nil) }, "chans: ParallelMap with nil function"},
		{"OrderedMap nil f", func() { chans.OrderedMap[int, int](ctx, in, 2, nil) }, "chans: OrderedMap with nil function"},
		{"FanOut n 0", func() { chans.FanOut(ctx, in, 0) }, "chans: FanOut with n < 1"},
		{"Broadcast n 0", func() { chans.Broadcast(ctx, in, 0) }, "chans: Broadcast with n < 1"},
		{"BroadcastBuffered n -1", func() { chans.BroadcastBuffered(ctx, in, -1, 1) }, "chans: BroadcastBuffered with n < 1"},
		{"BroadcastBuffered buffer -1", func() { chans.BroadcastBuffered(ctx, in, 2, -1) }, "chans: BroadcastBuffered with buffer < 0"},
		{"BroadcastDropping n 0", func() { chans.BroadcastDropping(ctx, in, 0, 1) }, "chans: BroadcastDropping with n < 1"},
		{"BroadcastDropping buffer -1", func() { chans.BroadcastDropping(ctx, in, 1, -1) }, "chans: BroadcastDropping with buffer < 0"},
		{"Take n -1", func() { chans.Take(ctx, in, -1) }, "chans: Take with n < 0"},
		{"TakeWhile nil ok", func() { chans.TakeWhile(ctx, in, nil) }, "chans: TakeWhile with nil function"},
		{"Batch size 0", func() { chans.Batch(ctx, in, 0, 0) }, "chans: Batch with size < 1"},
		{"Generate nil ctx", func() { chans.Generate(nilCtx, 1) }, "chans: Generate with nil context"},
		{"ParallelMap nil ctx", func() { chans.ParallelMap(nilCtx, in, 1, id) }, "chans: ParallelMap with nil context"},
		{"NewGroup nil ctx", func() { chans.NewGroup(nilCtx) }, "chans: NewGroup with nil context"},
		{"Group.Go nil f", func() { g.Go(nil) }, "chans: Group.Go with nil function"},
		{"MapErr nil group", func() { chans.MapErr(ctx, nil, in, idErr) }, "chans: MapErr with nil Group"},
		{"MapErr nil f", func() { chans.MapErr[int, int](ctx, g, in, nil) }, "chans: MapErr with nil function"},
		{"ParallelMapErr nil group", func() { chans.ParallelMapErr(ctx, nil, in, 1, idErr) }, "chans: ParallelMapErr with nil Group"},
		{"OrderedMapErr nil f", func() { chans.OrderedMapErr[int, int](ctx, g, in, 1, nil) }, "chans: OrderedMapErr with nil function"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("did not panic")
				}
				if msg := fmt.Sprint(r); msg != tt.want || !strings.HasPrefix(msg, "chans: ") {
					t.Fatalf("panic %q, want %q", msg, tt.want)
				}
			}()
			tt.call()
		})
	}
	if err := g.Wait(); err != nil { // no stage was started
		t.Fatal(err)
	}
}
