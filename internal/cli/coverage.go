package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"wangge/coverage"
	"wangge/coverage/track"
	"wangge/data/progress"
	"wangge/internal/window"
	"wangge/partition"
)

// coverageOptions is the parsed command line of `wangge coverage`.
type coverageOptions struct {
	grids, blocks    string // input files
	out, report      string // gaps GeoJSON, report JSON
	heat             string // covered cells GeoJSON
	tracks           importTracksOptions
	cov              coverage.CoverageOptions
	from, to, tzName string
}

// stringList is a flag that may be repeated.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// runCoverage is `wangge coverage`: grids and track files in, gaps and a
// report out, no store needed.
func runCoverage(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseCoverage(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return coverageFiles(ctx, o, stdout, stderr)
}

// parseCoverage parses the command line; it returns flag.ErrHelp for
// --help and ErrUsage, having said why, for anything else it cannot take.
func parseCoverage(args []string, stderr io.Writer) (coverageOptions, error) {
	var o coverageOptions
	var tracks stringList
	var worker string
	fs := flag.NewFlagSet("coverage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.grids, "grids", "", "grids GeoJSON (the output of wangge partition) (required)")
	fs.StringVar(&o.blocks, "blocks", "", "blocks GeoJSON with an id property, for coverage per block")
	trackFileFlags(fs, &o.tracks, &tracks, &worker)
	fs.StringVar(&o.out, "out", "", "output GeoJSON of the gaps, one feature per grid (required)")
	fs.StringVar(&o.report, "report", "", "output JSON report (grids, blocks, heat)")
	fs.StringVar(&o.heat, "heat", "", "output GeoJSON of the covered cells with their days and passes")
	fs.StringVar(&o.from, "from", "", "start of the window, included: an RFC 3339 time or a date YYYY-MM-DD (its midnight in --tz)")
	fs.StringVar(&o.to, "to", "", "end of the window, excluded: an RFC 3339 time or a date (its midnight in --tz: --from 2026-11-05 --to 2026-11-06 is one day)")
	zoneFlag(fs, &o.tzName, "time zone of dates and of the calendar days of the heat")
	fs.IntVar(&o.cov.Res, "res", coverage.DefaultRes, "H3 resolution of the cells (11: 28.7 m edge)")
	fs.Float64Var(&o.cov.Buffer, "buffer", coverage.DefaultBuffer, "a cell is covered when its centre is within `M` metres of the track")
	fs.DurationVar(&o.cov.MaxInterpGap, "max-interp-gap", coverage.DefaultMaxInterpGap, "longest silence between two fixes that is bridged by a straight line")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wangge coverage --grids grids.geojson --tracks FILE… [--from --to] [--res] [--buffer] --out gaps.geojson [--report coverage.json]")
		fmt.Fprintln(stderr, "Cleans the fixes (accuracy, duplicates, jumps, speed), marks the H3 cells within --buffer")
		fmt.Fprintln(stderr, "of the track and writes the uncovered cells of each grid as polygons, with the figures.")
		fmt.Fprintln(stderr, "The window is [--from, --to), the same rule as the API's from and to.")
		fs.PrintDefaults()
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return o, usageErr(err)
	}
	fail := func(format string, args ...any) (coverageOptions, error) {
		fmt.Fprintf(stderr, "wangge coverage: "+format+"\n", args...)
		return o, ErrUsage
	}
	switch {
	case o.grids == "" || o.out == "":
		return fail("--grids and --out are required")
	case len(tracks)+len(rest) == 0:
		return fail("want at least one track file (--tracks FILE)")
	}
	if err := o.tracks.takeFiles(append(tracks, rest...), worker, ",", ""); err != nil {
		return fail("%v", err)
	}
	if err := o.parseWindow(); err != nil {
		return fail("%v", windowFlagError(err))
	}
	return o, nil
}

// parseWindow reads --tz, --from and --to into the coverage options: the
// window [from, to) of internal/window.
func (o *coverageOptions) parseWindow() error {
	zone, err := window.LoadZone(o.tzName)
	if err != nil {
		return err
	}
	w, err := window.Parse(o.from, o.to, zone)
	o.cov.Zone, o.cov.From, o.cov.To = zone, w.From, w.To
	return err
}

// coverageFiles reads the inputs, computes the coverage and writes the
// outputs, printing a summary on stdout.
func coverageFiles(ctx context.Context, o coverageOptions, stdout, stderr io.Writer) error {
	grids, err := readGrids(o.grids)
	if err != nil {
		return err
	}
	var blocks []partition.Block
	if o.blocks != "" {
		if blocks, err = readBlocks(o.blocks, "id"); err != nil {
			return err
		}
	}
	pts, err := readTrackFiles(ctx, o.tracks, stderr)
	if err != nil {
		return err
	}
	kept, clean := track.Clean(pts, o.tracks.clean)
	wait := progress.Wait(stderr, fmt.Sprintf("coverage of %d grids by %d fixes", len(grids), len(kept)))
	rep, err := coverage.Coverage(grids, blocks, kept, o.cov)
	wait.Done()
	if err != nil {
		return fmt.Errorf("coverage of %s: %w", o.grids, err)
	}
	if err := writeFile(o.out, func(w io.Writer) error { return writeJSON(w, rep.GapsGeoJSON()) }); err != nil {
		return err
	}
	if o.report != "" {
		if err := writeFile(o.report, func(w io.Writer) error { return writeJSON(w, rep) }); err != nil {
			return err
		}
	}
	if o.heat != "" {
		if err := writeFile(o.heat, func(w io.Writer) error { return writeJSON(w, rep.HeatGeoJSON()) }); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "coverage: %d fixes read, %d kept, %d in the window; %d of %d cells covered (%.1f%%) in %d grids; gaps in %s\n",
		clean.Input, clean.Kept, rep.Fixes, rep.Covered, rep.Cells, 100*rep.Share, len(rep.Grids), o.out)
	return nil
}
