package cli

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
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
	// register registers the workers the files name that the store does
	// not know; without it their import is refused.
	register bool
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
		"(inaccurate, duplicate, future, jumps, impossible speed) of each worker across all the",
		"files, in time order, and stores them in one batch: a bad file stores nothing. Fixes",
		"already stored for a worker and instant are kept: importing again adds 0. A worker the",
		"store does not know is refused unless --register registers it (full-time, named by id).")
	dbFlag(fs, &o.db)
	fs.BoolVar(&o.register, "register", false, "register the workers the files name that the store does not know")
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

// trackImport is what an import did: the fixes read from each file, the
// cleaning of each worker's fixes across all files, the workers it
// registered and the one batch stored.
type trackImport struct {
	Files      []trackFile
	Workers    []trackWorker
	Clean      track.CleanReport // of all workers
	New        int               // kept fixes that were not stored before
	Registered []patrol.WorkerID
	Read       time.Duration // decoding and cleaning
	Store      time.Duration // the one batch write
}

// trackFile is one file of an import and the fixes it holds.
type trackFile struct {
	File  string
	Fixes int
}

// trackWorker is the cleaning of one worker's fixes.
type trackWorker struct {
	Worker patrol.WorkerID
	Clean  track.CleanReport
}

// importTracks imports the files in one batch and prints a report.
func importTracks(ctx context.Context, o importTracksOptions, stdout, stderr io.Writer) error {
	return withStore(ctx, o.db, func(store data.Store) error {
		rep, err := importTrackFiles(ctx, store, o, stderr)
		if err != nil {
			return err
		}
		printTrackImport(stdout, rep)
		return nil
	})
}

// importTrackFiles decodes every file, checks (or registers) the workers
// they name, cleans each worker's fixes across all files in time order,
// so that a jump across a file boundary is caught as one within a file,
// and stores what is kept in one batch. A file that cannot be read, or an
// unknown worker without o.register, stores nothing.
func importTrackFiles(ctx context.Context, store data.Store, o importTracksOptions, stderr io.Writer) (trackImport, error) {
	var rep trackImport
	start := time.Now()
	var pts []patrol.TrackPoint
	for _, file := range o.files {
		more, err := readTrackFile(ctx, file, o, stderr)
		if err != nil {
			return rep, err
		}
		rep.Files = append(rep.Files, trackFile{File: file, Fixes: len(more)})
		pts = append(pts, more...)
	}
	byWorker := map[patrol.WorkerID][]patrol.TrackPoint{}
	for _, p := range pts {
		byWorker[p.Worker] = append(byWorker[p.Worker], p)
	}
	workers := slices.Sorted(maps.Keys(byWorker))
	var err error
	if rep.Registered, err = knownWorkers(ctx, store, workers, o.register); err != nil {
		return rep, err
	}
	kept := make([]patrol.TrackPoint, 0, len(pts))
	for _, w := range workers {
		k, clean := track.Clean(byWorker[w], o.clean)
		kept = append(kept, k...)
		rep.Workers = append(rep.Workers, trackWorker{Worker: w, Clean: clean})
		rep.Clean.Add(clean)
	}
	rep.Read = time.Since(start)

	start = time.Now()
	wait := progress.Wait(stderr, fmt.Sprintf("storing %d fixes of %d workers", len(kept), len(workers)))
	rep.New, err = store.PutTrackPoints(ctx, kept)
	wait.Done()
	rep.Store = time.Since(start)
	if err != nil {
		return rep, fmt.Errorf("store tracks of %s in %s: %w", strings.Join(o.files, ", "), redactDSN(o.db), err)
	}
	return rep, nil
}

// knownWorkers checks that the store knows every worker: the fixes of an
// unknown one would be stored but answer 404 on the API. With register it
// registers the unknown ones (full-time, named by their id) and returns
// them; without, the first unknown one is an error wrapping
// errUnknownWorker.
func knownWorkers(ctx context.Context, store data.Store, workers []patrol.WorkerID, register bool) ([]patrol.WorkerID, error) {
	var unknown []patrol.Worker
	for _, w := range workers {
		_, err := store.Worker(ctx, w)
		switch {
		case errors.Is(err, data.ErrNotFound) && register:
			unknown = append(unknown, patrol.Worker{ID: w, Name: string(w), Role: patrol.RoleFullTime})
		case errors.Is(err, data.ErrNotFound):
			return nil, fmt.Errorf("worker %q: %w: register it first, or give --register to register the workers the files name", w, errUnknownWorker)
		case err != nil:
			return nil, fmt.Errorf("worker %q: %w", w, err)
		}
	}
	if len(unknown) == 0 {
		return nil, nil
	}
	if err := store.PutWorkers(ctx, unknown); err != nil {
		return nil, fmt.Errorf("register workers: %w", err)
	}
	ids := make([]patrol.WorkerID, len(unknown))
	for i, w := range unknown {
		ids[i] = w.ID
	}
	return ids, nil
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

// printTrackImport prints the files read, one row per worker cleaned and
// a total row with what the batch stored.
func printTrackImport(w io.Writer, rep trackImport) {
	for _, f := range rep.Files {
		fmt.Fprintf(w, "%s: %d fixes\n", f.File, f.Fixes)
	}
	for _, id := range rep.Registered {
		fmt.Fprintf(w, "registered worker %s\n", id)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "read\tkept\tinvalid\tfuture\taccuracy\tduplicate\tconflict\tjump\tspeed\t worker")
	for _, r := range rep.Workers {
		printCleanRow(tw, r.Clean, string(r.Worker))
	}
	if len(rep.Workers) > 1 {
		printCleanRow(tw, rep.Clean, fmt.Sprintf("all %d workers", len(rep.Workers)))
	}
	tw.Flush()
	rate := 0.0
	if d := (rep.Read + rep.Store).Seconds(); d > 0 {
		rate = float64(rep.Clean.Input) / d
	}
	fmt.Fprintf(w, "total: %d read, %d kept, %d new, %d stored before (%.0f points/s)\n",
		rep.Clean.Input, rep.Clean.Kept, rep.New, rep.Clean.Kept-rep.New, rate)
}

func printCleanRow(w io.Writer, c track.CleanReport, name string) {
	fmt.Fprintf(w, "%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t %s\n", c.Input, c.Kept, c.Invalid, c.Future,
		c.Accuracy, c.Duplicate, c.Conflict, c.Jump, c.Speed, name)
}
