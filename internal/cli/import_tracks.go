package cli

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"wangge/coverage/patrol"
	"wangge/coverage/track"
	"wangge/data"
	"wangge/data/progress"
)

// importTracksOptions is the parsed command line of `wangge import tracks`.
type importTracksOptions struct {
	files  []string
	db     string
	worker patrol.WorkerID // overrides any worker the files name
	format string          // auto, gpx, plt, csv or geojson
	csv    track.CSVMapping
	clean  track.CleanOptions
}

// trackFormats are the formats --format takes besides auto.
var trackFormats = []string{"gpx", "plt", "csv", "geojson"}

// parseImportTracks parses the command line of `wangge import tracks`.
func parseImportTracks(args []string, stderr io.Writer) (importTracksOptions, error) {
	var o importTracksOptions
	var worker, sep, epoch string
	fs := newFlags("import tracks", stderr,
		"usage: wangge import tracks FILE… [flags]",
		"Decodes GPX, GeoLife PLT, CSV or GeoJSON tracks (optionally gzipped), drops bad fixes",
		"(inaccurate, duplicate, future, jumps, impossible speed) and stores each file in one",
		"batch. Fixes already stored for a worker and instant are kept: importing again adds 0.")
	dbFlag(fs, &o.db)
	fs.StringVar(&worker, "worker", "", "worker `id` of every fix (else the file's worker column or property)")
	fs.StringVar(&o.format, "format", "auto", "input format: auto (by extension, .gz stripped), "+strings.Join(trackFormats, ", "))
	fs.StringVar(&o.csv.Lat, "csv-lat", "lat", "CSV column of the latitude")
	fs.StringVar(&o.csv.Lon, "csv-lon", "lon", "CSV column of the longitude")
	fs.StringVar(&o.csv.Time, "csv-time", "time", "CSV column of the time")
	fs.StringVar(&o.csv.Worker, "csv-worker", "", "CSV column of the worker id")
	fs.StringVar(&o.csv.Accuracy, "csv-accuracy", "", "CSV column of the accuracy, m")
	fs.StringVar(&o.csv.Speed, "csv-speed", "", "CSV column of the speed, m/s")
	fs.StringVar(&o.csv.Altitude, "csv-altitude", "", "CSV column of the altitude, m")
	fs.StringVar(&sep, "csv-sep", ",", "CSV field separator (one character)")
	fs.StringVar(&o.csv.TimeLayout, "csv-time-layout", "", "Go layout of CSV times (default: ISO 8601 variants)")
	fs.StringVar(&epoch, "csv-epoch", "", "numeric CSV times: s, ms or auto (default: text times)")
	fs.Float64Var(&o.clean.MaxAccuracy, "max-accuracy", track.DefaultMaxAccuracy, "drop fixes whose accuracy is worse than `M` metres (negative: keep all)")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return o, usageErr(err)
	}
	if len(files) == 0 {
		return o, badUsage(fs, "want at least one FILE")
	}
	if err := o.takeFiles(files, worker, sep, epoch); err != nil {
		return o, badUsage(fs, "%v", err)
	}
	return o, nil
}

// runImportTracks is `wangge import tracks`.
func runImportTracks(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseImportTracks(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return importTracks(ctx, o, stdout, stderr)
}

// takeFiles sets the files and worker of o, checks --format and reads the
// CSV separator and epoch flags; the fixes are cleaned as of now. Every
// command that reads track files finishes its flags with it.
func (o *importTracksOptions) takeFiles(files []string, worker, sep, epoch string) error {
	o.files, o.worker = files, patrol.WorkerID(worker)
	if o.format != "auto" && !slices.Contains(trackFormats, o.format) {
		return fmt.Errorf("--format %q: want auto, %s", o.format, strings.Join(trackFormats, ", "))
	}
	if err := o.parseCSV(sep, epoch); err != nil {
		return err
	}
	o.clean.Now = time.Now()
	return nil
}

// parseCSV reads the separator and epoch flags into the CSV mapping.
func (o *importTracksOptions) parseCSV(sep, epoch string) error {
	r := []rune(sep)
	if len(r) != 1 {
		return fmt.Errorf("--csv-sep %q: want one character", sep)
	}
	o.csv.Separator = r[0]
	units := map[string]track.EpochUnit{"": track.EpochNone, "s": track.EpochSeconds,
		"ms": track.EpochMillis, "auto": track.EpochAuto}
	u, ok := units[epoch]
	if !ok {
		return fmt.Errorf("--csv-epoch %q: want s, ms or auto", epoch)
	}
	o.csv.Epoch = u
	return nil
}

// trackFileReport is what importing one file did.
type trackFileReport struct {
	File  string
	Clean track.CleanReport
	New   int           // kept fixes that were not stored before
	Read  time.Duration // decoding and cleaning
	Store time.Duration // the one batch write
}

// importTracks imports the files in order, each in one batch, and prints
// a report. It stops at the first file that cannot be read or stored:
// files before it are stored, nothing of it is, and importing all again
// adds only what is missing.
func importTracks(ctx context.Context, o importTracksOptions, stdout, stderr io.Writer) error {
	return withStore(ctx, o.db, func(store data.Store) error {
		reports, err := importTrackFiles(ctx, store, o, stderr)
		printTrackReports(stdout, reports)
		return err
	})
}

// importTrackFiles imports o.files into store and returns a report for
// each file stored, up to the first failure.
func importTrackFiles(ctx context.Context, store data.Store, o importTracksOptions, stderr io.Writer) ([]trackFileReport, error) {
	var reports []trackFileReport
	for _, file := range o.files {
		rep, err := importTrackFile(ctx, store, file, o, stderr)
		if err != nil {
			return reports, err
		}
		reports = append(reports, rep)
	}
	return reports, nil
}

// importTrackFile decodes and cleans one file and stores what it kept in
// one batch.
func importTrackFile(ctx context.Context, store data.Store, file string, o importTracksOptions, stderr io.Writer) (trackFileReport, error) {
	rep := trackFileReport{File: file}
	start := time.Now()
	pts, err := readTrackFile(ctx, file, o, stderr)
	if err != nil {
		return rep, err
	}
	kept, clean := track.Clean(pts, o.clean)
	rep.Clean, rep.Read = clean, time.Since(start)

	start = time.Now()
	wait := progress.Wait(stderr, fmt.Sprintf("storing %d fixes of %s", len(kept), filepath.Base(file)))
	rep.New, err = store.PutTrackPoints(ctx, kept)
	wait.Done()
	rep.Store = time.Since(start)
	if err != nil {
		return rep, fmt.Errorf("store tracks of %s in %s: %w", file, redactDSN(o.db), err)
	}
	return rep, nil
}

// readTrackFile decodes every fix of a file (gunzipped when it ends in
// .gz) and gives each one a worker.
func readTrackFile(ctx context.Context, file string, o importTracksOptions, stderr io.Writer) ([]patrol.TrackPoint, error) {
	format, err := trackFormat(file, o.format)
	if err != nil {
		return nil, err
	}
	r, done, err := openInput(ctx, file, stderr)
	if err != nil {
		return nil, err
	}
	defer done()
	if strings.HasSuffix(strings.ToLower(file), ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		defer zr.Close()
		r = zr
	}
	opts := track.DecodeOptions{Source: file, Worker: o.worker}
	var pts []patrol.TrackPoint
	switch format {
	case "gpx":
		pts, err = track.DecodeGPX(r, opts)
	case "plt":
		pts, err = track.DecodePLT(r, opts)
	case "csv":
		pts, err = track.DecodeCSV(r, o.csv, opts)
	case "geojson":
		pts, err = track.DecodeGeoJSON(r, opts)
	}
	if err != nil {
		return nil, err
	}
	for i := range pts {
		if o.worker != "" {
			pts[i].Worker = o.worker
		} else if pts[i].Worker == "" {
			return nil, fmt.Errorf("%s: fix %d: %w: give --worker (or --csv-worker to read a CSV column)", file, i, errNoWorker)
		}
	}
	return pts, nil
}

// openInput opens file for reading through a progress bar of its bytes,
// stopping once ctx is done; done closes the file and ends the bar.
func openInput(ctx context.Context, file string, stderr io.Writer) (r io.Reader, done func(), err error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	bar := progress.New(stderr, filepath.Base(file), info.Size(), progress.Bytes)
	return bar.Reader(ctxReader{ctx, f}), func() { bar.Done(); f.Close() }, nil
}

// trackFormat is the format of file: the given one, or by extension (a
// trailing .gz stripped) when it is auto.
func trackFormat(file, format string) (string, error) {
	if format != "auto" {
		return format, nil
	}
	name := strings.TrimSuffix(strings.ToLower(file), ".gz")
	switch filepath.Ext(name) {
	case ".gpx":
		return "gpx", nil
	case ".plt":
		return "plt", nil
	case ".csv", ".txt", ".tsv":
		return "csv", nil
	case ".geojson", ".json":
		return "geojson", nil
	}
	return "", fmt.Errorf("%s: %w: give --format (%s)", file, errTrackFormat, strings.Join(trackFormats, ", "))
}

// printTrackReports prints one row per file and a total row when there
// are several.
func printTrackReports(w io.Writer, reports []trackFileReport) {
	if len(reports) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "read\tkept\tinvalid\tfuture\taccuracy\tduplicate\tconflict\tjump\tspeed\tnew\tstored before\tpoints/s\t file")
	var total trackFileReport
	total.File = fmt.Sprintf("total of %d files", len(reports))
	for _, r := range reports {
		printTrackRow(tw, r)
		total.add(r)
	}
	if len(reports) > 1 {
		printTrackRow(tw, total)
	}
	tw.Flush()
}

func printTrackRow(w io.Writer, r trackFileReport) {
	c := r.Clean
	rate := 0.0
	if d := (r.Read + r.Store).Seconds(); d > 0 {
		rate = float64(c.Input) / d
	}
	fmt.Fprintf(w, "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.0f\t %s\n", c.Input, c.Kept, c.Invalid, c.Future,
		c.Accuracy, c.Duplicate, c.Conflict, c.Jump, c.Speed, r.New, c.Kept-r.New, rate, r.File)
}

// add sums another file's figures into t.
func (t *trackFileReport) add(r trackFileReport) {
	c := &t.Clean
	c.Input += r.Clean.Input
	c.Kept += r.Clean.Kept
	c.Invalid += r.Clean.Invalid
	c.Future += r.Clean.Future
	c.Accuracy += r.Clean.Accuracy
	c.Duplicate += r.Clean.Duplicate
	c.Conflict += r.Clean.Conflict
	c.Jump += r.Clean.Jump
	c.Speed += r.Clean.Speed
	t.New += r.New
	t.Read += r.Read
	t.Store += r.Store
}
