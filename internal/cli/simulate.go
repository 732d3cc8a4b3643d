package cli

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
	"wangge/coverage/patrol"
	"wangge/internal/window"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// simulateOptions is the parsed command line of `wangge simulate`.
type simulateOptions struct {
	roads, buildings, grids, grid string
	out, format                   string
	day, start, tz                string
	sim                           patrol.SimOptions
}

// parseSimulate parses the command line of `wangge simulate`.
func parseSimulate(args []string, stderr io.Writer) (simulateOptions, error) {
	var o simulateOptions
	fs := newFlags("simulate", stderr,
		"usage: wangge simulate --roads roads.geojson [--grids grids.geojson --grid ID] [--buildings F] --out day.gpx|day.geojson [flags]",
		"Writes synthetic patrol days (random walks on the roads, stops at buildings, GPS noise,",
		"drift and signal gaps). Workers are named sim-SEED-N and the files say they are synthetic.")
	fs.StringVar(&o.roads, "roads", "", "roads GeoJSON of LineStrings (wangge import osm --roads-out) (required)")
	fs.StringVar(&o.buildings, "buildings", "", "GeoJSON of buildings (Points or Polygons) where workers stop")
	fs.StringVar(&o.grids, "grids", "", "grids GeoJSON; with --grid, walk only the roads inside that grid")
	fs.StringVar(&o.grid, "grid", "", "`id` of the grid to patrol (needs --grids)")
	fs.StringVar(&o.out, "out", "", "output file, .gpx or .geojson (required)")
	fs.StringVar(&o.format, "format", "auto", "output format: auto (by --out extension), gpx or geojson")
	fs.IntVar(&o.sim.Workers, "workers", 1, "number of workers (more than one needs .geojson output: GPX has no worker field)")
	fs.Uint64Var(&o.sim.Seed, "seed", 1, "random seed: the same seed and flags give the same file")
	fs.StringVar(&o.day, "day", time.Now().Format(time.DateOnly), "day to simulate, YYYY-MM-DD")
	fs.StringVar(&o.start, "start", "08:00", "time of day the patrols start, HH:MM")
	zoneFlag(fs, &o.tz, "time zone of --day and --start")
	fs.Float64Var(&o.sim.Hours, "hours", patrol.DefaultSimHours, "hours of patrol")
	fs.DurationVar(&o.sim.Interval, "interval", patrol.DefaultSimInterval, "time between fixes")
	fs.Float64Var(&o.sim.Noise, "noise", patrol.DefaultSimNoise, "RMS GPS error, metres")
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	if o.roads == "" || o.out == "" || (o.grid == "") != (o.grids == "") {
		return o, badUsage(fs, "--roads and --out are required, and --grid goes with --grids")
	}
	if err := o.parse(); err != nil {
		return o, badUsage(fs, "%v", err)
	}
	return o, nil
}

// runSimulate is `wangge simulate`: synthetic patrol days written as GPX
// or GeoJSON, labelled synthetic.
func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseSimulate(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return simulateFile(ctx, o, stdout)
}

// parse reads the day, start, zone and format flags.
func (o *simulateOptions) parse() error {
	zone, err := window.LoadZone(o.tz)
	if err != nil {
		return windowFlagError(err)
	}
	day, err := window.Day(o.day, zone)
	if err != nil {
		return fmt.Errorf("--day %q: want YYYY-MM-DD", o.day)
	}
	o.sim.Day = day.From
	clock, err := time.Parse("15:04", o.start)
	if err != nil {
		return fmt.Errorf("--start %q: want HH:MM", o.start)
	}
	o.sim.Start = time.Date(o.sim.Day.Year(), o.sim.Day.Month(), o.sim.Day.Day(), clock.Hour(), clock.Minute(), 0, 0, zone)
	if o.format == "auto" {
		switch strings.ToLower(filepath.Ext(o.out)) {
		case ".gpx":
			o.format = "gpx"
		case ".geojson", ".json":
			o.format = "geojson"
		}
	}
	if o.format != "gpx" && o.format != "geojson" {
		return fmt.Errorf("--format %q: want gpx or geojson (or an --out ending in .gpx or .geojson)", o.format)
	}
	if o.format == "gpx" && o.sim.Workers > 1 {
		return fmt.Errorf("--workers %d with GPX: a GPX file has no worker field, so the readers would take every fix for one worker; write .geojson for several workers", o.sim.Workers)
	}
	return nil
}

// simulateFile reads the inputs, simulates and writes the output.
func simulateFile(_ context.Context, o simulateOptions, stdout io.Writer) error {
	fc, err := readFeatures(o.roads)
	if err != nil {
		return err
	}
	for i, f := range fc.Features {
		switch g := f.Geometry.(type) {
		case orb.LineString:
			o.sim.Roads = append(o.sim.Roads, g)
		case orb.MultiLineString:
			o.sim.Roads = append(o.sim.Roads, g...)
		default:
			return fmt.Errorf("%s: feature %d: geometry %s is not a LineString", o.roads, i, f.Geometry.GeoJSONType())
		}
	}
	if o.buildings != "" {
		if fc, err = readFeatures(o.buildings); err != nil {
			return err
		}
		for _, f := range fc.Features {
			c, _ := planar.CentroidArea(f.Geometry)
			o.sim.Buildings = append(o.sim.Buildings, c)
		}
	}
	if o.grids != "" {
		grids, err := readGrids(o.grids)
		if err != nil {
			return err
		}
		for _, g := range grids {
			if string(g.ID) == o.grid {
				o.sim.Area = g.Geometry
			}
		}
		if o.sim.Area == nil {
			return fmt.Errorf("%s: no grid %q", o.grids, o.grid)
		}
	}
	pts, err := patrol.Simulate(o.sim)
	if err != nil {
		return fmt.Errorf("simulate on %s: %w", o.roads, err)
	}
	write := writeSimGeoJSON
	if o.format == "gpx" {
		write = writeSimGPX
	}
	if err := writeFile(o.out, func(w io.Writer) error { return write(w, pts) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "simulate: %d synthetic fixes of %d workers in %s\n", len(pts), o.sim.Workers, o.out)
	return nil
}

// readFeatures reads a GeoJSON FeatureCollection.
func readFeatures(path string) (*geojson.FeatureCollection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, f := range fc.Features {
		if f.Geometry == nil {
			return nil, fmt.Errorf("%s: feature %d: no geometry", path, i)
		}
	}
	return fc, nil
}

// byWorker calls fn with each worker's run of fixes (Simulate groups them).
func byWorker(pts []patrol.TrackPoint, fn func(run []patrol.TrackPoint) error) error {
	for lo := 0; lo < len(pts); {
		hi := lo + 1
		for hi < len(pts) && pts[hi].Worker == pts[lo].Worker {
			hi++
		}
		if err := fn(pts[lo:hi]); err != nil {
			return err
		}
		lo = hi
	}
	return nil
}

// writeSimGeoJSON writes one LineString feature per worker with the
// per-vertex times wangge reads back ("times"), the worker and
// "synthetic": true, in a collection marked synthetic as well.
func writeSimGeoJSON(w io.Writer, pts []patrol.TrackPoint) error {
	fc := geojson.NewFeatureCollection()
	fc.ExtraMembers = geojson.Properties{"synthetic": true, "generator": "wangge simulate"}
	err := byWorker(pts, func(run []patrol.TrackPoint) error {
		line := make(orb.LineString, len(run))
		times := make([]string, len(run))
		for i, p := range run {
			line[i] = orb.Point{round7(p.Point[0]), round7(p.Point[1])}
			times[i] = p.Time.UTC().Format(time.RFC3339Nano)
		}
		f := geojson.NewFeature(line)
		f.Properties = geojson.Properties{"worker": string(run[0].Worker), "synthetic": true, "times": times}
		fc.Append(f)
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, fc)
}

// round7 rounds degrees to 7 decimals (1 cm), as GPX is written.
func round7(x float64) float64 { return math.Round(x*1e7) / 1e7 }

// writeSimGPX writes GPX 1.1, one track per worker, each named after the
// worker and described as synthetic.
func writeSimGPX(w io.Writer, pts []patrol.TrackPoint) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, `<?xml version="1.0" encoding="UTF-8"?>`)
	fmt.Fprintln(bw, `<gpx version="1.1" creator="wangge simulate (synthetic data)" xmlns="http://www.topografix.com/GPX/1/1">`)
	fmt.Fprintln(bw, `<metadata><desc>Synthetic patrol tracks made by wangge simulate; not real positions.</desc></metadata>`)
	err := byWorker(pts, func(run []patrol.TrackPoint) error {
		bw.WriteString("<trk><name>")
		if err := xml.EscapeText(bw, []byte(run[0].Worker)); err != nil {
			return err
		}
		bw.WriteString("</name><desc>synthetic</desc><trkseg>\n")
		for _, p := range run {
			fmt.Fprintf(bw, `<trkpt lat="%.7f" lon="%.7f"><time>%s</time></trkpt>`+"\n",
				p.Point[1], p.Point[0], p.Time.UTC().Format(time.RFC3339Nano))
		}
		_, err := bw.WriteString("</trkseg></trk>\n")
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(bw, "</gpx>")
	return bw.Flush()
}
