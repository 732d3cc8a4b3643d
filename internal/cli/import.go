package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"wangge/data"
	"wangge/data/importer"
	"wangge/data/progress"
)

// importKinds lists the kinds of data `wangge import` loads, as
// subcommands of it: add a line for each new kind.
func importKinds() []command {
	return []command{
		{"blocks", "GeoJSON blocks (Polygon/MultiPolygon) with an id and a weight field", runImportBlocks},
		{"grids", "hand-drawn grid boundaries (GeoJSON) made a plan over blocks: cut blocks, sizes, blocks in no grid", runImportGrids},
		{"osm", "OpenStreetMap extract (PBF or XML): street blocks, households, buildings, roads", runImportOSM},
		{"layers", "GIS layers (GeoPackage tables, GeoJSON): blocks from streets or as given, buildings, households", runImportLayers},
		{"tracks", "GPS tracks (GPX, GeoLife PLT, CSV, GeoJSON; .gz too), cleaned per worker across files, one batch", runImportTracks},
		{"incidents", "incidents from CSV or GeoJSON Points, located in the published plan's grids", runImportIncidents},
	}
}

// runImport dispatches `wangge import KIND …` to the kind's loader.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, importKinds(), importUsage, "wangge import: unknown kind")
}

func importUsage(w io.Writer) {
	listCommands(w, "usage: wangge import KIND FILE [flags]   (wangge import KIND --help for its flags)", "kinds", importKinds())
}

// importBlocksOptions is the parsed command line of `wangge import blocks`.
type importBlocksOptions struct {
	file   string
	db     string
	blocks importer.BlockOptions
}

// parseImportBlocks parses the command line of `wangge import blocks`.
func parseImportBlocks(args []string, stderr io.Writer) (importBlocksOptions, error) {
	var o importBlocksOptions
	fs := newFlags("import blocks", stderr,
		"usage: wangge import blocks FILE.geojson [flags]",
		"Loads a GeoJSON FeatureCollection of blocks (WGS-84) into the store in one batch:",
		"any bad feature rejects the whole file and nothing is stored.")
	dbFlag(fs, &o.db)
	fs.StringVar(&o.blocks.IDField, "id-field", "id", "property holding the block id")
	fs.StringVar(&o.blocks.WeightField, "weight-field", "households", "numeric property every block must have (households, population or another)")
	fs.StringVar(&o.blocks.KindField, "kind-field", "kind", "property holding the block's kind (school, hospital, …)")
	fs.StringVar(&o.blocks.NameField, "name-field", "name", "property holding the block's name")
	fs.StringVar(&o.blocks.ParentField, "parent-field", "parent", "property holding the id of the area the block belongs to")
	files, err := parsePositional(fs, args, 1, "one FILE.geojson")
	if err != nil {
		return o, err
	}
	o.file = files[0]
	return o, nil
}

// runImportBlocks is `wangge import blocks`.
func runImportBlocks(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseImportBlocks(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return importBlocks(ctx, o, stdout, stderr)
}

// importBlocks decodes the whole file first, so that a bad file stores
// nothing, then writes all blocks in one atomic batch.
func importBlocks(ctx context.Context, o importBlocksOptions, stdout, stderr io.Writer) error {
	f, err := os.Open(o.file)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	bar := progress.New(stderr, filepath.Base(o.file), info.Size(), progress.Bytes)
	blocks, err := importer.DecodeBlocks(bar.Reader(ctxReader{ctx, f}), o.file, o.blocks)
	bar.Done()
	if err != nil {
		return err
	}
	return withStore(ctx, o.db, func(store data.Store) error {
		wait := progress.Wait(stderr, fmt.Sprintf("storing %d blocks", len(blocks)))
		err := store.PutBlocks(ctx, blocks)
		wait.Done()
		if err != nil {
			return fmt.Errorf("store blocks of %s in %s: %w", o.file, redactDSN(o.db), err)
		}
		fmt.Fprintf(stdout, "imported %d blocks into %s\n", len(blocks), redactDSN(o.db))
		return nil
	})
}

// ctxReader stops reading once ctx is done, so that Ctrl-C ends a long
// decode at once instead of after it.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
