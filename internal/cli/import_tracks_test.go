package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wangge/coverage/patrol"
	"wangge/coverage/track"
	"wangge/data"
	"wangge/data/pgtest"
)

// The real track files of shared/data/MANIFEST.md. The GeoLife sample is
// for tests and benchmarks only: it is read in place, never copied.
const (
	gpxDir      = "../../../shared/data/tracks/gpx"
	skmobSample = "../../../shared/data/tracks/skmob_geolife_sample.txt.gz"
	skmobPoints = 217653 // MANIFEST.md
)

// trackStores names a fresh store of each kind for a test.
var trackStores = []struct {
	name string
	dsn  func(t testing.TB) string
}{
	{"GeoPackage", func(t testing.TB) string { return filepath.Join(t.TempDir(), "tracks.gpkg") }},
	{"PostGIS", pgtest.DSN},
}

// needFile skips the test when a shared data file is missing.
func needFile(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is missing: %v", path, err)
	}
}

// withTestStore opens the store at dsn for fn and closes it.
func withTestStore(t testing.TB, dsn string, fn func(data.Store)) {
	t.Helper()
	if err := withStore(context.Background(), dsn, func(s data.Store) error { fn(s); return nil }); err != nil {
		t.Fatal(err)
	}
}

// storedFixes counts the fixes stored for worker.
func storedFixes(t testing.TB, dsn string, worker patrol.WorkerID) int {
	t.Helper()
	var n int
	withTestStore(t, dsn, func(s data.Store) {
		pts, err := s.TrackPoints(context.Background(), data.TrackQuery{Worker: worker})
		if err != nil {
			t.Fatalf("read stored fixes: %v", err)
		}
		n = len(pts)
	})
	return n
}

// importFiles runs the import of files into dsn and returns its report.
func importFiles(t testing.TB, dsn string, o importTracksOptions) (trackImport, error) {
	t.Helper()
	var rep trackImport
	var err error
	withTestStore(t, dsn, func(s data.Store) {
		rep, err = importTrackFiles(context.Background(), s, o, io.Discard)
	})
	return rep, err
}

func gpxFiles(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(gpxDir, "*.gpx"))
	if len(files) == 0 {
		t.Skipf("no GPX files in %s", gpxDir)
	}
	return files
}

func TestImportTracksGPX(t *testing.T) {
	files := gpxFiles(t)
	for _, st := range trackStores {
		t.Run(st.name, func(t *testing.T) {
			dsn := st.dsn(t)
			stdout, _, err := runCLI(t, append([]string{"import", "tracks", "--worker", "w1", "--register", "--db", dsn}, files...)...)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			for _, f := range files {
				if !strings.Contains(stdout, f) {
					t.Errorf("report does not name %s:\n%s", f, stdout)
				}
			}
			kept := keptByLibrary(t, files, "w1")
			if got := storedFixes(t, dsn, "w1"); got != kept {
				t.Fatalf("stored %d fixes, the cleaned files keep %d", got, kept)
			}

			again, err := importFiles(t, dsn, parsedTracks(t, append([]string{"--worker", "w1", "--db", dsn}, files...)))
			if err != nil {
				t.Fatalf("import again: %v", err)
			}
			if again.New != 0 {
				t.Errorf("import again: %d new fixes, want 0", again.New)
			}
			if got := storedFixes(t, dsn, "w1"); got != kept {
				t.Fatalf("after importing again %d fixes stored, want %d", got, kept)
			}
		})
	}
}

// keptByLibrary decodes GPX files with the coverage library, cleans all
// their fixes together and returns how many it keeps.
func keptByLibrary(t testing.TB, files []string, worker patrol.WorkerID) int {
	t.Helper()
	var pts []patrol.TrackPoint
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		more, err := track.DecodeGPX(f, track.DecodeOptions{Source: file, Worker: worker})
		f.Close()
		if err != nil {
			t.Fatalf("decode %s: %v", file, err)
		}
		pts = append(pts, more...)
	}
	_, rep := track.Clean(pts, track.CleanOptions{Now: time.Now()})
	return rep.Kept
}

func TestImportTracksBadFile(t *testing.T) {
	files := gpxFiles(t)
	whole, err := os.ReadFile(files[len(files)-1])
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "truncated.gpx")
	if err := os.WriteFile(bad, whole[:len(whole)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, st := range trackStores {
		t.Run(st.name, func(t *testing.T) {
			dsn := st.dsn(t)
			_, err := importFiles(t, dsn, parsedTracks(t, []string{"--worker", "w1", "--register", "--db", dsn, files[0], bad}))
			var de *track.DecodeError
			if !errors.As(err, &de) || !errors.Is(err, track.ErrSyntax) || de.Source != bad {
				t.Fatalf("error %v, want a GPX syntax error in %s", err, bad)
			}
			if !strings.Contains(err.Error(), bad) {
				t.Errorf("error %q does not name the file", err)
			}
			if got := storedFixes(t, dsn, "w1"); got != 0 {
				t.Fatalf("stored %d fixes, want none: the import is one batch", got)
			}
		})
	}
}

func TestImportTracksErrors(t *testing.T) {
	files := gpxFiles(t)
	db := filepath.Join(t.TempDir(), "e.gpkg")
	tests := []struct {
		name string
		args []string
		want error
	}{
		{"GPX without --worker", []string{files[0]}, errNoWorker},
		{"unknown worker without --register", []string{files[0], "--worker", "w"}, errUnknownWorker},
		{"unknown extension", []string{"fixes.xyz", "--worker", "w"}, errTrackFormat},
		{"bad --format", []string{files[0], "--format", "kml"}, ErrUsage},
		{"bad --csv-epoch", []string{files[0], "--csv-epoch", "days"}, ErrUsage},
		{"no file", nil, ErrUsage},
		{"missing file", []string{"no-such.gpx", "--worker", "w"}, os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCLI(t, append([]string{"import", "tracks", "--db", db}, tt.args...)...)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestTrackFormat(t *testing.T) {
	tests := []struct {
		file, flag, want string
	}{
		{"a.gpx", "auto", "gpx"},
		{"A.GPX.GZ", "auto", "gpx"},
		{"20081023025304.plt", "auto", "plt"},
		{"sample.txt.gz", "auto", "csv"},
		{"fixes.csv", "auto", "csv"},
		{"day.geojson", "auto", "geojson"},
		{"day.json.gz", "auto", "geojson"},
		{"export.dat", "csv", "csv"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := trackFormat(tt.file, tt.flag)
			if err != nil || got != tt.want {
				t.Fatalf("trackFormat(%q, %q) = %q, %v; want %q", tt.file, tt.flag, got, err, tt.want)
			}
		})
	}
}

// dataLines counts the lines of a file after its first skip lines.
func dataLines(t *testing.T, file string, skip int) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(strings.TrimRight(string(b), "\r\n"), "\n") + 1 - skip
}

// TestImportTracksFormats imports GeoLife PLT files and a semicolon CSV
// with its own column names: every data line is read (the referee is the
// line count of the files) and what cleaning keeps is stored.
func TestImportTracksFormats(t *testing.T) {
	plt, _ := filepath.Glob("../../../shared/data/tracks/geolife_plt/010/Trajectory/*.plt")
	mpd := "../../../shared/data/tracks/mpd_geolife_small.csv"
	needFile(t, mpd)
	if len(plt) == 0 {
		t.Skip("no GeoLife PLT files of user 010 in ../shared/data/tracks/geolife_plt")
	}
	tests := []struct {
		name  string
		files []string
		args  []string
		skip  int // header lines per file
	}{
		{"plt", plt, []string{"--worker", "010", "--register"}, 6},
		{"csv mapping", []string{mpd}, []string{"--csv-sep", ";", "--csv-lat", "Y", "--csv-lon", "X", "--csv-time", "t", "--csv-worker", "tracker", "--register"}, 1},
	}
	for _, st := range trackStores {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				dsn := st.dsn(t)
				args := append(append([]string{"import", "tracks", "--db", dsn}, tt.args...), tt.files...)
				if _, _, err := runCLI(t, args...); err != nil {
					t.Fatalf("import: %v", err)
				}
				rep, err := importFiles(t, dsn, parsedTracks(t, args[2:]))
				if err != nil {
					t.Fatalf("import again: %v", err)
				}
				read, kept, lines := 0, rep.Clean.Kept, 0
				for i, f := range rep.Files {
					read += f.Fixes
					lines += dataLines(t, tt.files[i], tt.skip)
				}
				if rep.New != 0 {
					t.Errorf("import again: %d new", rep.New)
				}
				if read != lines || read != rep.Clean.Input {
					t.Errorf("read %d fixes, the files have %d data lines", read, lines)
				}
				if got := storedFixes(t, dsn, ""); got != kept {
					t.Fatalf("stored %d fixes, cleaning kept %d", got, kept)
				}
			})
		}
	}
}

// skmobArgs map the sample's columns lat,lng,datetime,uid.
var skmobArgs = []string{"--csv-lon", "lng", "--csv-time", "datetime", "--csv-worker", "uid", "--register"}

// parsedTracks parses the arguments of `wangge import tracks`.
func parsedTracks(t testing.TB, args []string) importTracksOptions {
	t.Helper()
	o, err := parseImportTracks(args, io.Discard)
	if err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	return o
}

// skmobOptions imports the GeoLife sample into dsn.
func skmobOptions(t testing.TB, dsn string) importTracksOptions {
	t.Helper()
	return parsedTracks(t, append([]string{skmobSample, "--db", dsn}, skmobArgs...))
}

// TestImportSkmob ingests the 217,653 GeoLife points end to end through
// the command line into both stores.
func TestImportSkmob(t *testing.T) {
	needFile(t, skmobSample)
	for _, st := range trackStores {
		t.Run(st.name, func(t *testing.T) {
			dsn := st.dsn(t)
			if _, _, err := runCLI(t, append([]string{"import", "tracks", skmobSample, "--db", dsn}, skmobArgs...)...); err != nil {
				t.Fatalf("import: %v", err)
			}
			r, err := importFiles(t, dsn, skmobOptions(t, dsn))
			if err != nil {
				t.Fatalf("import again: %v", err)
			}
			if r.Clean.Input != skmobPoints {
				t.Fatalf("read %d points, MANIFEST.md says %d", r.Clean.Input, skmobPoints)
			}
			if r.New != 0 {
				t.Errorf("import again stored %d new points, want 0", r.New)
			}
			if got := storedFixes(t, dsn, ""); got != r.Clean.Kept {
				t.Fatalf("stored %d points, cleaning kept %d", got, r.Clean.Kept)
			}
		})
	}
}

// BenchmarkImportSkmob imports the GeoLife sample into a fresh store per
// iteration: points/s counts every point read, over decode, clean and
// store; store-points/s counts the kept points over the batch write alone.
func BenchmarkImportSkmob(b *testing.B) {
	needFile(b, skmobSample)
	for _, st := range trackStores {
		b.Run(st.name, func(b *testing.B) {
			var read, kept int
			var total, store time.Duration
			for b.Loop() {
				b.StopTimer()
				dsn := st.dsn(b)
				b.StartTimer()
				r, err := importFiles(b, dsn, skmobOptions(b, dsn))
				if err != nil {
					b.Fatal(err)
				}
				read, kept = read+r.Clean.Input, kept+r.New
				total, store = total+r.Read+r.Store, store+r.Store
			}
			b.ReportMetric(float64(read)/total.Seconds(), "points/s")
			b.ReportMetric(float64(kept)/store.Seconds(), "store-points/s")
		})
	}
}
