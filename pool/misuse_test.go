package pool_test

import (
	"context"
	"slices"
	"testing"

	"github.com/concurkit/concur/pool"
)

// Every misuse panics with the phrasing shared with chans and syncx: the
// package, the function, and what was wrong.
func TestMisuseMessages(t *testing.T) {
	ctx := context.Background()
	var nilCtx context.Context
	nop := func(context.Context, int) error { return nil }
	nopR := func(context.Context, int) (int, error) { return 0, nil }
	var zero pool.Pool
	for want, call := range map[string]func(){
		"pool: Go with nil task":                  func() { pool.New(1).Go(nil) },
		"pool: Go on a Pool not created by New":   func() { zero.Go(func() {}) },
		"pool: Wait on a Pool not created by New": zero.Wait,
		"pool: ForEach with nil function":         func() { _ = pool.ForEach[int](ctx, nil, 1, nil) },
		"pool: ForEach with nil context":          func() { _ = pool.ForEach(nilCtx, []int{1}, 1, nop) },
		"pool: Map with nil function":             func() { _, _ = pool.Map[int, int](ctx, nil, 1, nil) },
		"pool: Map with nil context":              func() { _, _ = pool.Map(nilCtx, []int{1}, 1, nopR) },
		"pool: ForEachSeq with nil sequence":      func() { _ = pool.ForEachSeq(ctx, nil, 1, nop) },
		"pool: ForEachSeq with nil function":      func() { _ = pool.ForEachSeq(ctx, slices.Values([]int{1}), 1, nil) },
		"pool: ForEachSeq with nil context":       func() { _ = pool.ForEachSeq(nilCtx, slices.Values([]int{1}), 1, nop) },
		"pool: MapSeq with nil sequence":          func() { _, _ = pool.MapSeq(ctx, nil, 1, nopR) },
		"pool: MapSeq with nil function":          func() { _, _ = pool.MapSeq[int, int](ctx, slices.Values([]int{1}), 1, nil) },
		"pool: MapSeq with nil context":           func() { _, _ = pool.MapSeq(nilCtx, slices.Values([]int{1}), 1, nopR) },
	} {
		if got := catch(call); got != want {
			t.Errorf("panic %v, want %q", got, want)
		}
	}
}
