package cli

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"

	"wangge/coverage/patrol"
	"wangge/coverage/track"
	"wangge/internal/window"
	"wangge/partition"
)

// trajectoryOptions is the parsed command line of `wangge trajectory`.
type trajectoryOptions struct {
	out, report  string // GeoJSON of the days, JSON of their figures
	grids        string // grids GeoJSON, for the time inside the worker's grids
	own          []partition.GridID
	date, tzName string
	zone         *time.Location
	tracks       importTracksOptions
	traj         patrol.TrajectoryOptions
}

// trajectoryDay is the report of one worker on one calendar day.
type trajectoryDay struct {
	Worker patrol.WorkerID         `json:"worker"`
	Date   string                  `json:"date"`
	Zone   string                  `json:"tz"`
	Grids  []partition.GridID      `json:"grids"` // the grids counted as the worker's own
	Report patrol.TrajectoryReport `json:"report"`
}

// runTrajectory is `wangge trajectory`: track files in, the trips, stops,
// signal gaps and figures of each worker and day out, no store needed.
func runTrajectory(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseTrajectory(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return trajectoryFiles(ctx, o, stdout, stderr)
}

// parseTrajectory parses the command line; it returns flag.ErrHelp for
// --help and ErrUsage, having said why, for anything else it cannot take.
func parseTrajectory(args []string, stderr io.Writer) (trajectoryOptions, error) {
	var o trajectoryOptions
	var tracks stringList
	var worker, own string
	var stopMin time.Duration
	fs := flag.NewFlagSet("trajectory", flag.ContinueOnError)
	fs.SetOutput(stderr)
	trackFileFlags(fs, &o.tracks, &tracks, &worker)
	fs.StringVar(&o.out, "out", "", "output GeoJSON: per worker and day the simplified line, the stops and the signal gaps (required)")
	fs.StringVar(&o.report, "report", "", "output JSON of the figures, trips, stops and gaps of each worker and day")
	fs.StringVar(&o.grids, "grids", "", "grids GeoJSON; time inside the worker's grids is counted apart")
	fs.StringVar(&own, "grid", "", "comma-separated `ids` of the worker's own grids in --grids (default: all of them)")
	fs.StringVar(&o.date, "date", "", "only this day, YYYY-MM-DD: [its midnight, the next) in --tz (default: every day with fixes)")
	zoneFlag(fs, &o.tzName, "time zone of the calendar days")
	fs.Float64Var(&o.traj.StopRadius, "stop-radius", patrol.DefaultStopRadius, "a stop stays within `M` metres of its first fix")
	fs.DurationVar(&stopMin, "stop-min", patrol.DefaultStopMinDuration, "shortest stop")
	fs.DurationVar(&o.traj.StopSilence, "stop-silence", 0, "count a silence of at least this long, ending within --stop-radius of a stop's first fix, as a stop even when shorter than --stop-min (trackintel's staypoints); 0 is off: a silence is no stay of its own")
	fs.DurationVar(&o.traj.GapThreshold, "gap", patrol.DefaultGapThreshold, "longest time between fixes that is not a signal gap")
	fs.Float64Var(&o.traj.SimplifyTolerance, "simplify", patrol.DefaultSimplifyTolerance, "Douglas-Peucker tolerance of the display line, `M` metres")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wangge trajectory --tracks FILE… [--worker ID] [--date YYYY-MM-DD] [--grids grids.geojson [--grid IDS]] --out trajectory.geojson [--report trajectory.json]")
		fmt.Fprintln(stderr, "Cleans the fixes and splits them by worker and calendar day; each day gets its trips and")
		fmt.Fprintln(stderr, "stops (stay-point rule), geodesic distance, moving time, signal gaps, time inside the")
		fmt.Fprintln(stderr, "worker's grids and a simplified line for display.")
		fs.PrintDefaults()
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return o, usageErr(err)
	}
	o.traj.StopMinDuration = stopMin
	if own != "" {
		for _, id := range strings.Split(own, ",") {
			o.own = append(o.own, partition.GridID(strings.TrimSpace(id)))
		}
	}
	fail := func(format string, args ...any) (trajectoryOptions, error) {
		fmt.Fprintf(stderr, "wangge trajectory: "+format+"\n", args...)
		return o, ErrUsage
	}
	switch {
	case o.out == "":
		return fail("--out is required")
	case len(tracks)+len(rest) == 0:
		return fail("want at least one track file (--tracks FILE)")
	case len(o.own) > 0 && o.grids == "":
		return fail("--grid needs --grids")
	case !(o.traj.StopRadius > 0) || stopMin <= 0 || o.traj.GapThreshold <= 0 || !(o.traj.SimplifyTolerance > 0):
		return fail("--stop-radius, --stop-min, --gap and --simplify must be more than 0")
	case o.traj.StopSilence < 0:
		return fail("--stop-silence must be 0 (off) or more")
	}
	if err := o.tracks.takeFiles(append(tracks, rest...), worker, ",", ""); err != nil {
		return fail("%v", err)
	}
	if o.zone, err = window.LoadZone(o.tzName); err != nil {
		return fail("%v", windowFlagError(err))
	}
	if o.date != "" {
		if _, err := window.Day(o.date, o.zone); err != nil {
			return fail("%v", windowFlagError(err))
		}
	}
	return o, nil
}

// trajectoryFiles reads and cleans the fixes, analyses each worker's days
// and writes the outputs, printing one line a day on stdout.
func trajectoryFiles(ctx context.Context, o trajectoryOptions, stdout, stderr io.Writer) error {
	own, err := ownGrids(o)
	if err != nil {
		return err
	}
	pts, err := readTrackFiles(ctx, o.tracks, stderr)
	if err != nil {
		return err
	}
	kept, clean := track.Clean(pts, o.tracks.clean)
	days := splitDays(kept, o.zone, o.date)
	if len(days) == 0 {
		return fmt.Errorf("trajectory: no fixes left after cleaning (%d read) on %s", clean.Input, cmp.Or(o.date, "any day"))
	}
	for _, g := range own {
		o.traj.Grids = append(o.traj.Grids, g.Geometry)
	}
	ids := make([]partition.GridID, len(own))
	for i, g := range own {
		ids[i] = g.ID
	}
	fc := geojson.NewFeatureCollection()
	out := make([]trajectoryDay, 0, len(days))
	for _, d := range days {
		r := patrol.Trajectory(d.pts, o.traj)
		r.Worker = d.worker
		day := trajectoryDay{Worker: d.worker, Date: d.date, Zone: o.zone.String(), Grids: ids, Report: r}
		for _, f := range r.GeoJSON().Features {
			f.Properties["worker"], f.Properties["date"] = string(d.worker), d.date
			fc.Append(f)
		}
		out = append(out, day)
		fmt.Fprintf(stdout, "%s %s: %d fixes, %.2f km, moving %s, %d trips, %d stops, %d gaps, inside grids %s\n",
			d.worker, d.date, r.Fixes, r.Distance/1000, seconds(r.Moving), len(r.Trips), len(r.Stops), len(r.Gaps), seconds(r.Inside))
	}
	if err := writeFile(o.out, func(w io.Writer) error { return writeJSON(w, fc) }); err != nil {
		return err
	}
	if o.report != "" {
		return writeFile(o.report, func(w io.Writer) error { return writeJSON(w, out) })
	}
	return nil
}

// trackFileFlags defines the flags of the file-to-file commands that read
// track files: --tracks (repeatable), --format, --worker and the CSV
// columns.
func trackFileFlags(fs *flag.FlagSet, o *importTracksOptions, tracks *stringList, worker *string) {
	fs.Var(tracks, "tracks", "track `FILE` (GPX, PLT, CSV or GeoJSON, .gz too); repeat it, or list files after the flags")
	fs.StringVar(&o.format, "format", "auto", "track format: auto (by extension, .gz stripped), "+strings.Join(trackFormats, ", "))
	fs.StringVar(worker, "worker", "", "worker `id` of every fix (default: the file's worker column or property; for GPX and PLT the file name)")
	fs.StringVar(&o.csv.Lat, "csv-lat", "lat", "CSV column of the latitude")
	fs.StringVar(&o.csv.Lon, "csv-lon", "lon", "CSV column of the longitude")
	fs.StringVar(&o.csv.Time, "csv-time", "time", "CSV column of the time")
	fs.StringVar(&o.csv.Worker, "csv-worker", "", "CSV column of the worker id")
}

// readTrackFiles decodes the fixes of every file of o. The fixes of a GPX
// or PLT file, which name no worker, get the file's base name as worker
// unless --worker names one.
func readTrackFiles(ctx context.Context, o importTracksOptions, stderr io.Writer) ([]patrol.TrackPoint, error) {
	var pts []patrol.TrackPoint
	for _, file := range o.files {
		fo := o
		if fo.worker == "" {
			if format, err := trackFormat(file, fo.format); err == nil && (format == "gpx" || format == "plt") {
				fo.worker = patrol.WorkerID(strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)))
			}
		}
		more, err := readTrackFile(ctx, file, fo, stderr)
		if err != nil {
			return nil, err
		}
		pts = append(pts, more...)
	}
	return pts, nil
}

// ownGrids reads --grids and keeps the grids named by --grid (all of them
// when none is named), refusing an id the file lacks.
func ownGrids(o trajectoryOptions) ([]partition.Grid, error) {
	if o.grids == "" {
		return nil, nil
	}
	grids, err := readGrids(o.grids)
	if err != nil {
		return nil, err
	}
	if len(o.own) == 0 {
		return grids, nil
	}
	var own []partition.Grid
	for _, id := range o.own {
		i := slices.IndexFunc(grids, func(g partition.Grid) bool { return g.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("%s: --grid %q: no grid with that id", o.grids, id)
		}
		own = append(own, grids[i])
	}
	return own, nil
}

// workerDay is the cleaned fixes of one worker on one calendar day.
type workerDay struct {
	worker patrol.WorkerID
	date   string
	pts    []patrol.TrackPoint
}

// splitDays splits cleaned fixes (grouped by worker, in time order) into
// calendar days in zone, keeping only date when it is given.
func splitDays(pts []patrol.TrackPoint, zone *time.Location, date string) []workerDay {
	var days []workerDay
	for _, p := range pts {
		d := p.Time.In(zone).Format(time.DateOnly)
		if date != "" && d != date {
			continue
		}
		if n := len(days); n == 0 || days[n-1].worker != p.Worker || days[n-1].date != d {
			days = append(days, workerDay{worker: p.Worker, date: d})
		}
		days[len(days)-1].pts = append(days[len(days)-1].pts, p)
	}
	return days
}

// seconds prints a duration to the second.
func seconds(s patrol.Seconds) string {
	return time.Duration(s).Round(time.Second).String()
}
