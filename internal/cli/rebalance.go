package cli

import (
	"context"
	"fmt"
	"io"

	"wangge/partition"
)

// planRebalanceOptions is the parsed command line of `wangge partition
// rebalance`.
type planRebalanceOptions struct {
	planFlags
	balance float64
}

func parsePlanRebalance(args []string, stderr io.Writer) (planRebalanceOptions, error) {
	var o planRebalanceOptions
	fs := o.flagSet("rebalance", stderr, true)
	fs.Float64Var(&o.balance, "balance", 0.1, "bring every unlocked basic grid within this fraction of the mean weight")
	if err := o.parse(fs, args); err != nil {
		return o, err
	}
	if !(o.balance >= 0 && o.balance < 1) {
		return o, badUsage(fs, "--balance %g: want a fraction in [0, 1)", o.balance)
	}
	return o, nil
}

func runPlanRebalance(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parsePlanRebalance(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return rebalancePlan(ctx, o, stdout)
}

// rebalancePlan moves boundary blocks (partition.Editor.Rebalance),
// writes the plan and prints the moves, the balance before and after and
// the rules the result breaks.
func rebalancePlan(ctx context.Context, o planRebalanceOptions, stdout io.Writer) error {
	ed, err := o.editor()
	if err != nil {
		return err
	}
	before := ed.Grids()
	moves, err := ed.Rebalance(ctx, o.balance)
	if err != nil {
		return err
	}
	after := ed.Grids()
	if err := writeFile(o.out, func(w io.Writer) error { return partition.WriteGrids(w, after) }); err != nil {
		return err
	}
	for _, m := range moves {
		fmt.Fprintf(stdout, "  move %s: %s → %s\n", m.Block, m.From, m.To)
	}
	d := partition.Diff(before, after)
	for _, c := range d.Changed {
		fmt.Fprintf(stdout, "  %s: %s %+.2f\n", c.ID, o.weight, c.Weight)
	}
	b, a := ed.ReportOf(before), ed.Report()
	fmt.Fprintf(stdout, "rebalance within %g%% of the mean %s %.2f: %d moves, %d blocks changed grid; max deviation %.2f%% → %.2f%%\n",
		100*o.balance, o.weight, a.Target, len(moves), len(d.Moved), b.MaxDeviationPct, a.MaxDeviationPct)
	for _, pr := range ed.Validate() {
		fmt.Fprintln(stdout, "  problem:", pr)
	}
	return nil
}
