package partition_test

import (
	"context"
	"errors"
	"testing"

	"wangge/partition"
)

// countdownCtx is a context whose Err reports Canceled from its n-th call
// on and counts the calls after that: a cancellation that lands at a
// fixed point of the work, however fast the machine, so the test cannot
// be flaky. Done is nil, as for a context never cancelled by a signal:
// Draw and its loops poll Err.
type countdownCtx struct {
	context.Context
	left  int // calls still answered nil
	after int // calls answered Canceled
}

func (c *countdownCtx) Err() error {
	if c.left > 0 {
		c.left--
		return nil
	}
	c.after++
	return context.Canceled
}

// TestCancelMidDrawReturnsPromptly cancels a count-mode draw of 20,000
// blocks into 2,000 grids at several points of its work (the first
// polls fall in the spanning-tree cuts, the later ones in the repair
// and the shape phase): Draw must return context.Canceled, having
// polled only a few more times (each poll is a bounded step of work:
// a spanning tree, a cut of a regroup, a pass of local moves, 4,096
// annealing moves), instead of finishing its phase.
func TestCancelMidDrawReturnsPromptly(t *testing.T) {
	if testing.Short() {
		t.Skip("draws 20,000 blocks")
	}
	blocks := partition.Mosaic(20000, 1)
	opt := partition.Options{Weight: "households", Count: 2000, Tolerance: 0.001, Seed: 1}
	const maxPollsAfter = 100
	for _, tc := range []struct {
		name  string
		polls int
	}{
		{"during the first cuts", 50},
		{"deep in the cuts", 20000},
		{"later", 60000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := &countdownCtx{Context: context.Background(), left: tc.polls}
			_, err := partition.Draw(ctx, blocks, opt)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v after %d polls, want context.Canceled", err, tc.polls)
			}
			if ctx.after > maxPollsAfter {
				t.Errorf("Draw polled %d more times after the cancellation, want at most %d", ctx.after, maxPollsAfter)
			}
		})
	}
}
