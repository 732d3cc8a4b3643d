package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/paulmach/orb/geojson"

	"wangge/data"
	"wangge/data/osm"
)

// importOSMOptions is the parsed command line of `wangge import osm`.
type importOSMOptions struct {
	file      string
	db        string // "-": no store, files only
	blocksOut string
	roadsOut  string
	osm       osm.Options
	save      osm.SaveOptions
}

// parseImportOSM parses the command line of `wangge import osm`.
func parseImportOSM(args []string, stderr io.Writer) (importOSMOptions, error) {
	var o importOSMOptions
	var highways string
	fs := newFlags("import osm", stderr,
		"usage: wangge import osm FILE.osm.pbf [flags]",
		"Derives street blocks (with estimated households), buildings and roads from an",
		"OpenStreetMap extract (PBF or OSM XML) and stores blocks, buildings and roads in one batch",
		"(--db - stores nothing). The import replaces the stored blocks of its area (those sharing area",
		"with its blocks) and leaves other areas alone. Data © OpenStreetMap contributors, ODbL.")
	dbFlag(fs, &o.db)
	fs.StringVar(&o.blocksOut, "blocks-out", "", "also write the blocks to this GeoJSON `file`")
	fs.StringVar(&o.roadsOut, "roads-out", "", "also write the roads to this GeoJSON `file`")
	fs.Float64Var(&o.osm.Levels, "levels", 0, "storeys of a home without building:levels (default: by the extract's country, osm.DefaultLevels, else 3)")
	fs.Float64Var(&o.osm.DwellingM2, "dwelling-m2", 90, "average floor area of one dwelling, m²")
	fs.Float64Var(&o.osm.MinBlockM2, "min-block-m2", 500, "faces smaller than this merge into a neighbour, m²")
	fs.Float64Var(&o.osm.HouseholdSize, "household-size", 2.5, "people per household, for the population estimate")
	fs.BoolVar(&o.save.Force, "force", false, "remove blocks of the area even when the published plan uses them")
	fs.StringVar(&highways, "highways", strings.Join(osm.DefaultCuttingHighways, ","), "highway classes that bound blocks, comma-separated")
	files, err := parsePositional(fs, args, 1, "one FILE.osm.pbf")
	if err != nil {
		return o, err
	}
	o.file = files[0]
	for _, h := range strings.Split(highways, ",") {
		if h = strings.TrimSpace(h); h != "" {
			o.osm.Highways = append(o.osm.Highways, h)
		}
	}
	return o, nil
}

// runImportOSM is `wangge import osm`.
func runImportOSM(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseImportOSM(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return importOSM(ctx, o, stdout, stderr)
}

// importOSM derives everything first, then writes the files and stores
// blocks, buildings and roads in one batch, and prints the report.
func importOSM(ctx context.Context, o importOSMOptions, stdout, stderr io.Writer) error {
	f, err := os.Open(o.file)
	if err != nil {
		return err
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil {
		o.osm.Size = info.Size()
	}
	o.osm.File, o.osm.Progress = o.file, stderr
	res, err := osm.Import(ctx, f, o.osm)
	if err != nil {
		return err
	}
	for _, out := range []struct {
		path string
		fc   func() *geojson.FeatureCollection
	}{{o.blocksOut, res.BlocksGeoJSON}, {o.roadsOut, res.RoadsGeoJSON}} {
		if out.path != "" {
			if err := writeGeoJSON(out.path, out.fc()); err != nil {
				return err
			}
		}
	}
	var ch osm.Change
	if o.db != "-" {
		err := withStore(ctx, o.db, func(s data.Store) error {
			var err error
			if ch, err = osm.Save(ctx, s, res, o.save); err != nil {
				return fmt.Errorf("store %s in %s: %w", o.file, redactDSN(o.db), err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	printOSMReport(stdout, o.file, res)
	if o.db != "-" {
		fmt.Fprintf(stdout, "stored in %s: %d blocks, %d buildings, %d roads\n",
			redactDSN(o.db), len(res.Blocks), len(res.Buildings), len(res.RoadLayer()))
		fmt.Fprintf(stdout, "blocks of the area: %d added, %d removed, %d changed, %d unchanged\n",
			len(ch.Added), len(ch.Removed), len(ch.Changed), len(res.Blocks)-len(ch.Added)-len(ch.Changed))
	}
	return nil
}

// writeGeoJSON writes fc to path through a temporary file, so that a
// failed write leaves no partial file.
func writeGeoJSON(path string, fc *geojson.FeatureCollection) error {
	b, err := json.Marshal(fc)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".wangge-*.geojson")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}

// printOSMReport says what the import found, with the attribution.
func printOSMReport(w io.Writer, file string, res *osm.Result) {
	fmt.Fprintf(w, "%s: %d buildings (%d residential), %d dwellings (estimated), %d roads\n",
		file, len(res.Buildings), res.ResidentialBuildings, res.Dwellings, len(res.RoadLayer()))
	country := "no country boundary in the extract"
	if res.Country != "" {
		country = "country " + res.Country
	}
	fmt.Fprintf(w, "households: %s; %g levels assumed where untagged (%s)\n", res.Homes, res.DefaultLevels, country)
	outline := "the outline of the streets and buildings"
	if res.BoundaryName != "" {
		outline = "the boundary of " + res.BoundaryName
	}
	fmt.Fprintf(w, "%d blocks within %s:\n", len(res.Blocks), outline)
	byKind := res.BlocksByKind()
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "  %-14s %d\n", k, byKind[k])
	}
	for _, warn := range res.Warnings {
		fmt.Fprintln(w, "warning:", warn)
	}
	fmt.Fprintln(w, "Households and population are estimates from building floor area.")
	fmt.Fprintln(w, "Data", osm.OSMAttribution)
}
