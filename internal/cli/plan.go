package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"wangge/partition"
)

// planCommands are the plan-editing subcommands of `wangge partition`.
func planCommands() []command {
	return []command{
		planEditCommand("move", "move a block to another grid", moveFlags),
		planEditCommand("redraw", "redraw a region (a set of grids), keeping locked grids and the rest", redrawFlags),
		planEditCommand("merge", "merge one grid into another", mergeFlags),
		planEditCommand("split", "split a grid into k grids", splitFlags),
		{"rebalance", "move the fewest boundary blocks to bring every basic grid within a tolerance of the mean", runPlanRebalance},
		{"validate", "list every rule a plan breaks, per grid", runPlanValidate},
		{"diff", "blocks moved, grids changed and metric deltas between two plans", runPlanDiff},
	}
}

// planFlags are the flags of the editing subcommands and of validate: the
// partition options the plan was drawn with, the plan and grids to lock,
// and the output of the edit.
type planFlags struct {
	partitionFlags
	plan, lock, out string
}

// flagSet is the flag set of `wangge partition NAME` with the plan flags
// registered; withOut adds --out.
func (p *planFlags) flagSet(name string, stderr io.Writer, withOut bool) *flag.FlagSet {
	fs := newFlags("partition "+name, stderr,
		"usage: wangge partition "+name+" --blocks F.geojson --plan grids.geojson --weight FIELD (--min N --max N | --count K --tolerance T) …",
		"(give the options the plan was drawn with)")
	p.register(fs)
	fs.StringVar(&p.plan, "plan", "", "the plan: grids GeoJSON written by wangge partition")
	fs.StringVar(&p.lock, "lock", "", "comma-separated grid ids to lock before editing")
	if withOut {
		fs.StringVar(&p.out, "out", "", "output grids GeoJSON file (required)")
	}
	return fs
}

// parse parses args into the flags of fs (made by flagSet, with the
// subcommand's own added), requires --blocks, --plan and, when fs has it,
// --out, and validates the partition options.
func (p *planFlags) parse(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	withOut := fs.Lookup("out") != nil
	if p.blocks == "" || p.plan == "" || (withOut && p.out == "") {
		return badUsage(fs, "--blocks, --plan%s are required", map[bool]string{true: " and --out"}[withOut])
	}
	return p.validate()
}

// editor loads the blocks and the plan and locks the --lock grids.
func (p *planFlags) editor() (*partition.Editor, error) {
	blocks, err := p.readBlocks()
	if err != nil {
		return nil, err
	}
	grids, err := readGrids(p.plan)
	if err != nil {
		return nil, err
	}
	ed, err := partition.NewEditor(blocks, grids, p.opt)
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

// editPlan loads the plan, makes the edit, writes the edited plan and
// prints its figures, the blocks that moved and the problems the edit
// added and removed (partition.Editor.Apply, which the API answers too).
func editPlan(ctx context.Context, o planEditOptions, stdout io.Writer) error {
	ed, err := o.editor()
	if err != nil {
		return err
	}
	out, err := ed.Apply(func(ed *partition.Editor) error { return o.edit(ctx, ed) })
	if err != nil {
		return err
	}
	grids := ed.Grids()
	if err := writeFile(o.out, func(w io.Writer) error { return partition.WriteGrids(w, grids) }); err != nil {
		return err
	}
	printReport(stdout, "edited plan", out.Report)
	fmt.Fprintf(stdout, "%d blocks moved\n", len(out.Diff.Moved))
	for _, m := range out.Diff.Moved {
		fmt.Fprintf(stdout, "  %s: %s → %s\n", m.Block, orNone(m.From), orNone(m.To))
	}
	ch := out.Problems
	for _, pr := range ch.Added {
		fmt.Fprintln(stdout, "  new:", pr)
	}
	for _, pr := range ch.Removed {
		fmt.Fprintln(stdout, "  gone:", pr)
	}
	fmt.Fprintf(stdout, "problems: %d new, %d gone, %d pre-existing (%d errors in all)\n",
		len(ch.Added), len(ch.Removed), len(ch.Kept), out.Errors)
	return nil
}

// orNone names a grid, or "(none)" for a block in no grid.
func orNone(g partition.GridID) string {
	if g == "" {
		return "(none)"
	}
	return string(g)
}

// planEditOptions is the parsed command line of an editing subcommand
// (move, redraw, merge, split): the plan's flags and the edit that the
// subcommand's own flags describe.
type planEditOptions struct {
	planFlags
	edit func(context.Context, *partition.Editor) error
}

// editFlags adds an editing subcommand's own flags to fs and returns the
// edit they describe, which reads them once fs is parsed.
type editFlags func(fs *flag.FlagSet) func(context.Context, *partition.Editor) error

// parsePlanEdit parses the command line of `wangge partition NAME`, an
// editing subcommand whose own flags own adds.
func parsePlanEdit(name string, own editFlags, args []string, stderr io.Writer) (planEditOptions, error) {
	var o planEditOptions
	fs := o.flagSet(name, stderr, true)
	o.edit = own(fs)
	err := o.parse(fs, args)
	return o, err
}

// planEditCommand is the editing subcommand NAME, whose own flags own adds.
func planEditCommand(name, summary string, own editFlags) command {
	return command{name, summary, func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		o, err := parsePlanEdit(name, own, args, stderr)
		if err != nil {
			return helpIsNoError(err)
		}
		return editPlan(ctx, o, stdout)
	}}
}

func moveFlags(fs *flag.FlagSet) func(context.Context, *partition.Editor) error {
	block := fs.String("block", "", "id of the block to move")
	to := fs.String("to", "", "id of the grid to move it to")
	return func(_ context.Context, ed *partition.Editor) error {
		return ed.Move(partition.BlockID(*block), partition.GridID(*to))
	}
}

func redrawFlags(fs *flag.FlagSet) func(context.Context, *partition.Editor) error {
	region := fs.String("grids", "", "comma-separated ids of the grids to redraw")
	fix := fs.Bool("fix", false, "instead, change as few blocks as possible to clear the plan's errors (an adopted plan)")
	return func(ctx context.Context, ed *partition.Editor) error {
		if *fix {
			ed.Fix()
			return nil
		}
		return ed.Redraw(ctx, ids(*region))
	}
}

func mergeFlags(fs *flag.FlagSet) func(context.Context, *partition.Editor) error {
	into := fs.String("into", "", "id of the grid that stays")
	from := fs.String("grid", "", "id of the grid merged into it")
	return func(_ context.Context, ed *partition.Editor) error {
		return ed.Merge(partition.GridID(*into), partition.GridID(*from))
	}
}

func splitFlags(fs *flag.FlagSet) func(context.Context, *partition.Editor) error {
	grid := fs.String("grid", "", "id of the grid to split")
	k := fs.Int("k", 2, "number of grids to split it into")
	return func(ctx context.Context, ed *partition.Editor) error {
		return ed.Split(ctx, partition.GridID(*grid), *k)
	}
}

// parsePlanValidate parses the command line of `wangge partition validate`.
func parsePlanValidate(args []string, stderr io.Writer) (planFlags, error) {
	var o planFlags
	fs := o.flagSet("validate", stderr, false)
	err := o.parse(fs, args)
	return o, err
}

func runPlanValidate(_ context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parsePlanValidate(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return validatePlan(o, stdout)
}

// validatePlan lists the errors, then the notes, of the plan; an error
// makes the command fail, notes (what the data imposes) do not.
func validatePlan(o planFlags, stdout io.Writer) error {
	ed, err := o.editor()
	if err != nil {
		return err
	}
	problems := ed.Validate()
	slices.SortStableFunc(problems, func(a, b partition.Problem) int { return strings.Compare(a.Severity, b.Severity) })
	for _, pr := range problems {
		fmt.Fprintln(stdout, pr)
	}
	nerr := partition.Errors(problems)
	if nerr > 0 {
		return fmt.Errorf("%s: %w: %d errors (and %d notes)", o.plan, errPlanBroken, nerr, len(problems)-nerr)
	}
	fmt.Fprintf(stdout, "%s: no error, %d notes\n", o.plan, len(problems))
	return nil
}

// planDiffOptions is the parsed command line of `wangge partition diff`.
type planDiffOptions struct {
	a, b   string // the plans' grids GeoJSON files
	asJSON bool
}

func parsePlanDiff(args []string, stderr io.Writer) (planDiffOptions, error) {
	var o planDiffOptions
	fs := newFlags("partition diff", stderr, "usage: wangge partition diff [--json] A.geojson B.geojson")
	fs.BoolVar(&o.asJSON, "json", false, "print the whole difference as JSON")
	files, err := parsePositional(fs, args, 2, "two plans, A.geojson and B.geojson")
	if err != nil {
		return o, err
	}
	o.a, o.b = files[0], files[1]
	return o, nil
}

func runPlanDiff(_ context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parsePlanDiff(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return diffPlans(o, stdout)
}

// diffPlans prints the blocks moved, the grids changed and the metric
// deltas from plan a to plan b.
func diffPlans(o planDiffOptions, stdout io.Writer) error {
	a, err := readGrids(o.a)
	if err != nil {
		return err
	}
	b, err := readGrids(o.b)
	if err != nil {
		return err
	}
	d := partition.Diff(a, b)
	if o.asJSON {
		return writeJSON(stdout, d)
	}
	fmt.Fprintf(stdout, "%d blocks moved; grids added %v, removed %v, changed %d\n", len(d.Moved), d.Added, d.Removed, len(d.Changed))
	for _, c := range d.Changed {
		fmt.Fprintf(stdout, "  %s: weight %+g, Polsby-Popper %+.4f, hull ratio %+.4f\n", c.ID, c.Weight, c.PolsbyPopper, c.HullRatio)
	}
	fmt.Fprintf(stdout, "plan: max deviation %+.2f points, mean Polsby-Popper %+.4f, mean hull ratio %+.4f, grids in pieces %+d\n",
		d.MaxDeviationPct, d.MeanPolsbyPopper, d.MeanHullRatio, d.MultipartGrids)
	return nil
}
