package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"wangge/data"
	"wangge/data/layers"
	"wangge/data/osm"
)

// importLayersOptions is the parsed command line of `wangge import layers`.
type importLayersOptions struct {
	db     string
	layers layers.Options
}

// parseImportLayers parses the command line of `wangge import layers`.
func parseImportLayers(args []string, stderr io.Writer) (importLayersOptions, error) {
	var o importLayersOptions
	var streets, buildings, blocks, highways string
	fields := pairs{}
	fs := newFlags("import layers", stderr,
		"usage: wangge import layers --streets F.gpkg:LAYER|F.geojson [--buildings …] [--blocks …] [flags]",
		"Builds blocks from the street lines of a GIS layer (the same way as OSM roads: the",
		"streets of the --highways classes, within the hull of streets and buildings), or takes",
		"the polygons of a blocks layer, places the buildings in them with households from",
		"a flats field or estimated from floor area, and stores blocks, buildings and streets",
		"in one batch. Fields are read under OSM tag names unless --map says otherwise.")
	dbFlag(fs, &o.db)
	fs.StringVar(&streets, "streets", "", "street lines: `F.gpkg:LAYER` or F.geojson")
	fs.StringVar(&buildings, "buildings", "", "building polygons: `F.gpkg:LAYER` or F.geojson")
	fs.StringVar(&blocks, "blocks", "", "block polygons, taken as they are instead of blocks from the streets: `F.gpkg:LAYER` or F.geojson")
	fs.Var(fields, "map", "`field=column` (repeat; fields and their default columns: id, name, class=highway, kind=building, levels=building:levels, flats=building:flats, households)")
	fs.StringVar(&highways, "highways", strings.Join(osm.DefaultCuttingHighways, ","), "street classes (the class field) that bound blocks, comma-separated; a street without a class always does")
	fs.BoolVar(&o.layers.UntaggedHomes, "untagged-homes", false, "count buildings without a kind (or building=yes) as homes")
	fs.Float64Var(&o.layers.Levels, "levels", 0, "storeys of a home without levels (default: by --country, osm.DefaultLevels, else 3)")
	fs.StringVar(&o.layers.Country, "country", "", "ISO 3166-1 `code` of the country, for the default levels")
	fs.Float64Var(&o.layers.DwellingM2, "dwelling-m2", 90, "average floor area of one dwelling, m²")
	fs.Float64Var(&o.layers.MinBlockM2, "min-block-m2", 500, "faces smaller than this merge into a neighbour, m²")
	fs.Float64Var(&o.layers.HouseholdSize, "household-size", 2.5, "people per household, for the population estimate")
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	var err error
	for _, l := range []struct {
		spec string
		to   *layers.Layer
	}{{streets, &o.layers.Streets}, {buildings, &o.layers.Buildings}, {blocks, &o.layers.Blocks}} {
		if *l.to, err = layers.ParseLayer(l.spec); err != nil {
			return o, badUsage(fs, "%v", err)
		}
	}
	if streets == "" && blocks == "" {
		return o, badUsage(fs, "give --streets or --blocks")
	}
	o.layers.Fields = fields.over(nil)
	o.layers.Classes = strings.Split(highways, ",")
	return o, nil
}

// runImportLayers is `wangge import layers`.
func runImportLayers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseImportLayers(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return importLayers(ctx, o, stdout)
}

// importLayers reads the layers, then stores the territory in one batch.
func importLayers(ctx context.Context, o importLayersOptions, stdout io.Writer) error {
	res, err := layers.Import(ctx, o.layers)
	if err != nil {
		return err
	}
	err = withStore(ctx, o.db, func(s data.Store) error {
		_, err := osm.SaveTerritory(ctx, s, res.Blocks, res.Buildings, res.Roads, osm.SaveOptions{})
		return err
	})
	if err != nil {
		return fmt.Errorf("store layers in %s: %w", redactDSN(o.db), err)
	}
	hh := 0
	for _, b := range res.Blocks {
		hh += b.Households
	}
	fmt.Fprintf(stdout, "%d blocks, %d buildings, %d streets; %d households; %s; %g levels assumed where none are given\n",
		len(res.Blocks), len(res.Buildings), len(res.Roads), hh, res.Homes, res.DefaultLevels)
	for _, w := range res.Warnings {
		fmt.Fprintln(stdout, "warning:", w)
	}
	fmt.Fprintf(stdout, "stored in %s\n", redactDSN(o.db))
	return nil
}
