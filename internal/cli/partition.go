package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"wangge/coverage/patrol"
	"wangge/coverage/workload"
	"wangge/data/progress"
	"wangge/internal/config"
	"wangge/partition"
)

// partitionOptions is the parsed command line of `wangge partition`.
type partitionOptions struct {
	partitionFlags
	out, report string
	compare     string // block field holding an existing plan
}

// parsePartition parses the command line of `wangge partition`; the
// partition options are checked (partition.Options.Validate) too.
func parsePartition(args []string, stderr io.Writer) (partitionOptions, error) {
	var o partitionOptions
	fs := newFlags("partition", stderr,
		"usage: wangge partition --blocks F.geojson --weight FIELD (--min N --max N | --count K --tolerance T) [flags] --out grids.geojson",
		"       wangge partition move|redraw|merge|split|validate|diff … (plan editing; --help on each)")
	o.register(fs)
	fs.StringVar(&o.out, "out", "", "output grids GeoJSON file (required)")
	fs.StringVar(&o.report, "report", "", "output report JSON file")
	fs.StringVar(&o.compare, "compare", "", "block field holding an existing plan to compare with (e.g. ward)")
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	if o.out == "" || o.blocks == "" {
		return o, badUsage(fs, "--blocks and --out are required")
	}
	err := o.validate()
	return o, err
}

// runPartition is `wangge partition`: blocks in, grids and a report out.
// `wangge partition move|redraw|merge|split|validate|diff` edit and check
// plans.
func runPartition(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if c, ok := findCommand(planCommands(), args); ok {
		return c.run(ctx, args[1:], stdout, stderr)
	}
	o, err := parsePartition(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return partitionFile(ctx, o, stdout, stderr)
}

// partitionFile draws the grids of the blocks file, writes them and the
// report, and prints the figures, beside those of the --compare plan.
func partitionFile(ctx context.Context, o partitionOptions, stdout, stderr io.Writer) error {
	opt := o.opt
	blocks, err := o.readBlocks()
	if err != nil {
		return err
	}
	if err := partition.CheckBlocks(blocks); err != nil {
		return fmt.Errorf("%s: %w", o.blocks, err)
	}
	bar := progress.New(stderr, "partition", int64(2*len(blocks)), progress.Count)
	opt.Progress = func(done, _ int) { bar.Set(int64(done)) }
	res, err := partition.Draw(ctx, blocks, opt)
	bar.Done()
	if err != nil {
		return err
	}
	for _, n := range res.Report.Notes {
		fmt.Fprintln(stderr, "note:", n)
	}
	if err := writeFile(o.out, func(w io.Writer) error { return partition.WriteGrids(w, res.Grids) }); err != nil {
		return err
	}
	printReport(stdout, "plan", res.Report)
	if o.compare != "" {
		human, err := partition.PlanFromField(blocks, o.compare, opt.Weight)
		if err != nil {
			return err
		}
		h := partition.Summarize(human, len(blocks), res.Report.Min, res.Report.Max)
		res.Report.Compare = &h
		printReport(stdout, "plan by "+o.compare, h)
		fmt.Fprintf(stdout, "engine vs %s: max deviation %.2f%% vs %.2f%%, mean Polsby-Popper %.3f vs %.3f (min %.3f vs %.3f), mean hull ratio %.3f vs %.3f\n",
			o.compare, res.Report.MaxDeviationPct, h.MaxDeviationPct, res.Report.MeanPolsbyPopper, h.MeanPolsbyPopper,
			res.Report.MinPolsbyPopper, h.MinPolsbyPopper, res.Report.MeanHullRatio, h.MeanHullRatio)
	}
	if o.report != "" {
		if err := writeFile(o.report, func(w io.Writer) error { return writeJSON(w, res.Report) }); err != nil {
			return err
		}
	}
	return nil
}

// partitionFlags are the flags shared by partition and the plan-editing
// subcommands, and the partition options validate makes of them.
type partitionFlags struct {
	blocks, id, weight, dedicated, within, prefix string
	keyPlaces, config                             string // for --weight workload
	min, max, tolerance, gap                      float64
	count                                         int
	seed                                          uint64
	opt                                           partition.Options
}

func (o *partitionFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.blocks, "blocks", "", "input blocks GeoJSON file")
	fs.StringVar(&o.id, "id", "id", "block property holding the block id")
	fs.StringVar(&o.weight, "weight", "", "block property to balance (households, population), or "+workload.Attr+": the estimated weekly hours of each block")
	fs.StringVar(&o.keyPlaces, "key-places", "", "--weight "+workload.Attr+": GeoJSON `file` of key places (points with category, visit_interval_days)")
	fs.StringVar(&o.config, "config", "", "--weight "+workload.Attr+": TOML `file` whose [workload] table sets the coefficients")
	fs.Float64Var(&o.min, "min", 0, "bounds mode: least weight of a basic grid")
	fs.Float64Var(&o.max, "max", 0, "bounds mode: most weight of a basic grid")
	fs.IntVar(&o.count, "count", 0, "count mode: number of basic grids")
	fs.Float64Var(&o.tolerance, "tolerance", 0, "count mode: allowed deviation from the mean, a fraction (0.02)")
	fs.StringVar(&o.dedicated, "dedicated", "", "FIELD=V1,V2: blocks that become dedicated grids")
	fs.StringVar(&o.within, "within", "", "block property of the parent area grids never cross")
	fs.Float64Var(&o.gap, "gap", 0, "blocks this many metres apart count as neighbours")
	fs.Uint64Var(&o.seed, "seed", partition.DefaultSeed, "random seed (same seed, same plan)")
	fs.StringVar(&o.prefix, "code-prefix", "", "12-digit district+street+community code for 15-digit grid codes")
}

// validate makes the partition options of the flags and checks them
// (partition.Options.Validate).
func (o *partitionFlags) validate() error {
	o.opt = partition.Options{Weight: o.weight, Min: o.min, Max: o.max, Count: o.count, Tolerance: o.tolerance,
		Within: o.within, Gap: o.gap, Seed: o.seed, CodePrefix: o.prefix}
	if o.dedicated != "" {
		f, vals, err := partition.ParseDedicated(o.dedicated)
		if err != nil {
			return err
		}
		o.opt.DedicatedField, o.opt.DedicatedValues = f, vals
	}
	return o.opt.Validate()
}

// readBlocks reads --blocks; with --weight workload, each block that has
// no workload property gets its estimated weekly hours (households,
// streets and the --key-places inside it, by the --config coefficients).
func (o *partitionFlags) readBlocks() ([]partition.Block, error) {
	blocks, err := readBlocks(o.blocks, o.id)
	if err != nil || o.weight != workload.Attr {
		return blocks, err
	}
	if _, ok := blocks[0].Attr(workload.Attr); ok {
		return blocks, nil
	}
	cfg := config.Default()
	if o.config != "" {
		if cfg, err = config.Load(o.config); err != nil {
			return nil, err
		}
		if err := cfg.Validate(); err != nil {
			return nil, err
		}
	}
	var places []patrol.KeyPlace
	if o.keyPlaces != "" {
		f, err := os.Open(o.keyPlaces)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if places, err = workload.ReadKeyPlaces(f, o.keyPlaces); err != nil {
			return nil, err
		}
	}
	cfg.Workload.SetWeights(blocks, workload.BlockHoldings(blocks, places, nil, 0), workload.Attr)
	return blocks, nil
}

func readBlocks(path, id string) ([]partition.Block, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return partition.ReadBlocks(f, path, id)
}

func readGrids(path string) ([]partition.Grid, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return partition.ReadGrids(f, path)
}

// writeFile writes a file through fn, reporting the first error of the
// write or the close.
func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printReport(w io.Writer, title string, r partition.Report) {
	fmt.Fprintf(w, "%s: %d grids (%d basic, %d dedicated) from %d blocks, weight %g\n", title, r.Grids, r.Basic, r.Dedicated, r.Blocks, r.WeightTotal)
	fmt.Fprintf(w, "  basic in [%.1f, %.1f]: %d of %d; max deviation %.2f%% from mean %.1f\n", r.Min, r.Max, r.BasicInBounds, r.Basic, r.MaxDeviationPct, r.Target)
	fmt.Fprintf(w, "  Polsby-Popper mean %.3f, min %.3f; hull ratio mean %.3f; unassigned blocks %d", r.MeanPolsbyPopper, r.MinPolsbyPopper, r.MeanHullRatio, r.UnassignedBlocks)
	if r.Seconds > 0 {
		fmt.Fprintf(w, "; %.2f s", r.Seconds)
	}
	fmt.Fprintln(w)
	if len(r.Multipart) > 0 {
		fmt.Fprintf(w, "  %d grids are MultiPolygons (blocks in several parts): %v\n", len(r.Multipart), r.Multipart)
	}
}
