package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"wangge/partition"
)

// errPlanBroken is returned by `partition validate` when the plan breaks
// rules (exit 1 after listing them).
var errPlanBroken = errors.New("the plan breaks rules")

// planCommands are the plan-editing subcommands of `wangge partition`.
func planCommands() []command {
	return []command{
		{"move", "move a block to another grid", runPlanMove},
		{"redraw", "redraw a region (a set of grids), keeping locked grids and the rest", runPlanRedraw},
		{"merge", "merge one grid into another", runPlanMerge},
		{"split", "split a grid into k grids", runPlanSplit},
		{"validate", "list every rule a plan breaks, per grid", runPlanValidate},
		{"diff", "blocks moved, grids changed and metric deltas between two plans", runPlanDiff},
	}
}

// planFlags are the flags of the editing subcommands: the partition
// options the plan was drawn with, the plan and grids to lock.
type planFlags struct {
	partitionFlags
	plan, lock, out string
}

func (p *planFlags) parse(name string, fs *flag.FlagSet, args []string, stderr io.Writer, withOut bool) error {
	p.register(fs)
	fs.StringVar(&p.plan, "plan", "", "the plan: grids GeoJSON written by wangge partition")
	fs.StringVar(&p.lock, "lock", "", "comma-separated grid ids to lock before editing")
	if withOut {
		fs.StringVar(&p.out, "out", "", "output grids GeoJSON file (required)")
	}
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: wangge partition %s --blocks F.geojson --plan grids.geojson --weight FIELD (--min N --max N | --count K --tolerance T) …\n", name)
		fmt.Fprintln(stderr, "(give the options the plan was drawn with)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if p.blocks == "" || p.plan == "" || (withOut && p.out == "") {
		fmt.Fprintf(stderr, "wangge partition %s: --blocks, --plan%s are required\n", name, map[bool]string{true: " and --out"}[withOut])
		return ErrUsage
	}
	return nil
}

// editor loads the blocks and the plan and locks the --lock grids.
func (p *planFlags) editor() (*partition.Editor, error) {
	opt, err := p.options()
	if err != nil {
		return nil, err
	}
	blocks, err := readBlocks(p.blocks, p.id)
	if err != nil {
		return nil, err
	}
	grids, err := readGrids(p.plan)
	if err != nil {
		return nil, err
	}
	ed, err := partition.NewEditor(blocks, grids, opt)
	if err != nil {
		return nil, err
	}
	return ed, ed.Lock(true, ids(p.lock)...)
}

func ids(list string) []partition.GridID {
	var out []partition.GridID
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, partition.GridID(s))
		}
	}
	return out
}

// finishEdit writes the edited plan and prints its figures and problems.
func finishEdit(ed *partition.Editor, p *planFlags, stdout io.Writer) error {
	grids := ed.Grids()
	if err := writeFile(p.out, func(w io.Writer) error { return partition.WriteGrids(w, grids) }); err != nil {
		return err
	}
	printReport(stdout, "edited plan", summarizeEdit(ed, grids))
	for _, pr := range ed.Validate() {
		fmt.Fprintln(stdout, "  problem:", pr)
	}
	return nil
}

func summarizeEdit(ed *partition.Editor, grids []partition.Grid) partition.Report {
	lo, hi := ed.Bounds()
	n := 0
	for _, g := range grids {
		n += len(g.Blocks)
	}
	return partition.Summarize(grids, n, lo, hi)
}

// editCommand is the body of move and redraw: flags (flags adds the
// command's own), load, apply the edit, write and report.
func editCommand(ctx context.Context, name string, args []string, stdout, stderr io.Writer,
	flags func(*flag.FlagSet), apply func(context.Context, *partition.Editor) error) error {
	fs := flag.NewFlagSet("partition "+name, flag.ContinueOnError)
	var p planFlags
	flags(fs)
	if err := p.parse(name, fs, args, stderr, true); err != nil {
		return helpIsNoError(err)
	}
	ed, err := p.editor()
	if err != nil {
		return err
	}
	if err := apply(ctx, ed); err != nil {
		return err
	}
	return finishEdit(ed, &p, stdout)
}

func runPlanMove(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var block, to *string
	return editCommand(ctx, "move", args, stdout, stderr, func(fs *flag.FlagSet) {
		block = fs.String("block", "", "id of the block to move")
		to = fs.String("to", "", "id of the grid to move it to")
	}, func(_ context.Context, ed *partition.Editor) error {
		return ed.Move(partition.BlockID(*block), partition.GridID(*to))
	})
}

func runPlanRedraw(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var region *string
	return editCommand(ctx, "redraw", args, stdout, stderr, func(fs *flag.FlagSet) {
		region = fs.String("grids", "", "comma-separated ids of the grids to redraw")
	}, func(ctx context.Context, ed *partition.Editor) error {
		return ed.Redraw(ctx, ids(*region))
	})
}

func runPlanMerge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var into, from *string
	return editCommand(ctx, "merge", args, stdout, stderr, func(fs *flag.FlagSet) {
		into = fs.String("into", "", "id of the grid that stays")
		from = fs.String("grid", "", "id of the grid merged into it")
	}, func(_ context.Context, ed *partition.Editor) error {
		return ed.Merge(partition.GridID(*into), partition.GridID(*from))
	})
}

func runPlanSplit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var grid *string
	var k *int
	return editCommand(ctx, "split", args, stdout, stderr, func(fs *flag.FlagSet) {
		grid = fs.String("grid", "", "id of the grid to split")
		k = fs.Int("k", 2, "number of grids to split it into")
	}, func(ctx context.Context, ed *partition.Editor) error {
		return ed.Split(ctx, partition.GridID(*grid), *k)
	})
}

func runPlanValidate(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("partition validate", flag.ContinueOnError)
	var p planFlags
	if err := p.parse("validate", fs, args, stderr, false); err != nil {
		return helpIsNoError(err)
	}
	ed, err := p.editor()
	if err != nil {
		return err
	}
	problems := ed.Validate()
	for _, pr := range problems {
		fmt.Fprintln(stdout, pr)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %w: %d problems", p.plan, errPlanBroken, len(problems))
	}
	fmt.Fprintf(stdout, "%s: no rule broken\n", p.plan)
	return nil
}

func runPlanDiff(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("partition diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the whole difference as JSON")
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: wangge partition diff [--json] A.geojson B.geojson") }
	if err := fs.Parse(args); err != nil {
		return helpIsNoError(err)
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return ErrUsage
	}
	a, err := readGrids(fs.Arg(0))
	if err != nil {
		return err
	}
	b, err := readGrids(fs.Arg(1))
	if err != nil {
		return err
	}
	d := partition.Diff(a, b)
	if *asJSON {
		return writeJSON(stdout, d)
	}
	fmt.Fprintf(stdout, "%d blocks moved; grids added %v, removed %v, changed %d\n", len(d.Moved), d.Added, d.Removed, len(d.Changed))
	for _, c := range d.Changed {
		fmt.Fprintf(stdout, "  %s: weight %+g, Polsby-Popper %+.4f, hull ratio %+.4f\n", c.ID, c.Weight, c.PolsbyPopper, c.HullRatio)
	}
	fmt.Fprintf(stdout, "plan: max deviation %+.2f points, mean Polsby-Popper %+.4f, mean hull ratio %+.4f\n",
		d.MaxDeviationPct, d.MeanPolsbyPopper, d.MeanHullRatio)
	return nil
}
