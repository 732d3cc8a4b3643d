package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"wangge/partition"
)

// importGridsOptions is the parsed command line of `wangge import grids`.
type importGridsOptions struct {
	partitionFlags
	file, gridID, out, report string
}

// parseImportGrids parses the command line of `wangge import grids`.
func parseImportGrids(args []string, stderr io.Writer) (importGridsOptions, error) {
	var o importGridsOptions
	fs := newFlags("import grids", stderr,
		"usage: wangge import grids FILE.geojson --blocks F.geojson --weight FIELD (--min N --max N | --count K --tolerance T) --out grids.geojson",
		"Turns hand-drawn grid boundaries (a GeoJSON FeatureCollection of polygons) into a plan over the blocks:",
		"each block goes to the grid holding most of its area. Lists the blocks a boundary cuts (with the share",
		"on each side), the grids outside the size bounds and the blocks in no grid; then",
		"`wangge partition redraw --fix` changes as few blocks as possible to clear the errors.")
	o.register(fs)
	fs.StringVar(&o.gridID, "grid-id", "id", "property of the boundaries holding the grid id (the feature id when absent)")
	fs.StringVar(&o.out, "out", "", "output grids GeoJSON file (required)")
	fs.StringVar(&o.report, "report", "", "output JSON file of the cut and unassigned blocks")
	files, err := parsePositional(fs, args, 1, "one FILE.geojson")
	if err != nil {
		return o, err
	}
	o.file = files[0]
	if o.blocks == "" || o.out == "" {
		return o, badUsage(fs, "--blocks and --out are required")
	}
	return o, o.validate()
}

// runImportGrids is `wangge import grids`.
func runImportGrids(_ context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseImportGrids(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return importGrids(o, stdout)
}

// importGrids adopts the boundaries of o.file over the blocks, writes the
// plan and prints what breaks the rules.
func importGrids(o importGridsOptions, stdout io.Writer) error {
	if ext := strings.ToLower(filepath.Ext(o.file)); ext == ".shp" || ext == ".gpkg" {
		return fmt.Errorf("%s: %w: convert it first: ogr2ogr -f GeoJSON -t_srs EPSG:4326 grids.geojson %s", o.file, errUnsupportedFormat, o.file)
	}
	blocks, err := readBlocks(o.blocks, o.id)
	if err != nil {
		return err
	}
	if err := partition.CheckBlocks(blocks); err != nil {
		return fmt.Errorf("%s: %w", o.blocks, err)
	}
	f, err := os.Open(o.file)
	if err != nil {
		return err
	}
	defer f.Close()
	bounds, err := partition.ReadBoundaries(f, o.file, o.gridID)
	if err != nil {
		return err
	}
	ad, err := partition.Adopt(blocks, bounds, o.opt)
	if err != nil {
		return err
	}
	if err := writeFile(o.out, func(w io.Writer) error { return partition.WriteGrids(w, ad.Grids) }); err != nil {
		return err
	}
	if o.report != "" {
		if err := writeFile(o.report, func(w io.Writer) error { return writeJSON(w, ad) }); err != nil {
			return err
		}
	}
	ed, err := partition.NewEditor(blocks, ad.Grids, o.opt)
	if err != nil {
		return err
	}
	printReport(stdout, "adopted plan", ed.Report())
	fmt.Fprintf(stdout, "%d blocks cut by a boundary (complete blocks broken):\n", len(ad.Cut))
	for _, c := range ad.Cut {
		parts := make([]string, len(c.Shares))
		for i, s := range c.Shares {
			parts[i] = fmt.Sprintf("%s %.1f%%", orNone(s.Grid), 100*s.Share)
		}
		fmt.Fprintf(stdout, "  %s → %s (%s)\n", c.Block, c.Grid, strings.Join(parts, ", "))
	}
	fmt.Fprintf(stdout, "%d blocks in no grid %v\n", len(ad.Unassigned), ad.Unassigned)
	problems := ed.Validate()
	for _, pr := range problems {
		if pr.Rule == partition.RuleOutOfBounds || pr.Severity == partition.SeverityError {
			fmt.Fprintln(stdout, " ", pr)
		}
	}
	if n := partition.Errors(problems); n > 0 {
		fmt.Fprintf(stdout, "%d errors: `wangge partition redraw --fix --plan %s …` clears them moving as few blocks as it can\n", n, o.out)
	}
	return nil
}
