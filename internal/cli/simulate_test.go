package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"wangge/coverage/patrol"
	"wangge/coverage/track"

	"github.com/paulmach/orb/geojson"
)

// The GPX and GeoJSON outputs of one seed hold the same fixes (to the 7
// decimals both keep), and both say they are synthetic.
func TestSimulateCommand(t *testing.T) {
	dir := t.TempDir()
	roads, grids := patrolFiles(t, dir)
	// One worker written both ways must give the same fixes; GPX cannot
	// hold several workers, so the three-worker day is GeoJSON only.
	files := map[string]string{"gpx": filepath.Join(dir, "day.gpx"), "one": filepath.Join(dir, "one.geojson"), "geojson": filepath.Join(dir, "day.geojson")}
	for name, out := range files {
		workers := "1"
		if name == "geojson" {
			workers = "3"
		}
		stdout, stderr, err := runCmd(t, "simulate", "--roads", roads, "--grids", grids, "--grid", "ne",
			"--workers", workers, "--seed", "5", "--day", "2024-05-06", "--hours", "1", "--out", out)
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		if !strings.Contains(stdout, "synthetic fixes of "+workers+" workers") {
			t.Errorf("stdout %q", stdout)
		}
	}
	raw, err := os.ReadFile(files["gpx"])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "synthetic") {
		t.Error("GPX does not say it is synthetic")
	}
	f, err := os.Open(files["gpx"])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fromGPX, err := track.DecodeGPX(f, track.DecodeOptions{Source: files["gpx"], Worker: "x"})
	if err != nil {
		t.Fatal(err)
	}
	fromOne := decodeSimGeoJSON(t, files["one"])
	if len(fromGPX) == 0 || len(fromGPX) != len(fromOne) {
		t.Fatalf("GPX %d fixes, GeoJSON %d", len(fromGPX), len(fromOne))
	}
	for i, p := range fromOne {
		q := fromGPX[i]
		if p.Point != q.Point || !p.Time.Equal(q.Time) {
			t.Fatalf("fix %d: GeoJSON %v %v, GPX %v %v", i, p.Point, p.Time, q.Point, q.Time)
		}
	}
	workers := map[patrol.WorkerID]bool{}
	for i, p := range decodeSimGeoJSON(t, files["geojson"]) {
		if !strings.HasPrefix(string(p.Worker), patrol.SyntheticPrefix+"5-") {
			t.Fatalf("fix %d: worker %q", i, p.Worker)
		}
		workers[p.Worker] = true
	}
	if len(workers) != 3 {
		t.Errorf("workers %v, want 3", workers)
	}
	var fc geojson.FeatureCollection
	readJSONFile(t, files["geojson"], &fc)
	if fc.ExtraMembers["synthetic"] != true {
		t.Errorf("collection members %v, want synthetic: true", fc.ExtraMembers)
	}
}

// --start 00:00 starts at midnight of --day in --tz, not at the default.
func TestSimulateCommandMidnight(t *testing.T) {
	dir := t.TempDir()
	roads, _ := patrolFiles(t, dir)
	out := filepath.Join(dir, "night.geojson")
	if _, stderr, err := runCmd(t, "simulate", "--roads", roads, "--day", "2024-05-06", "--start", "00:00",
		"--tz", "Asia/Shanghai", "--hours", "0.1", "--interval", "500ms", "--out", out); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pts, err := track.DecodeGeoJSON(f, track.DecodeOptions{Source: out})
	if err != nil {
		t.Fatal(err)
	}
	// Midnight in Beijing is 16:00 UTC the day before; fixes every half
	// second keep their fractions.
	if want := time.Date(2024, 5, 5, 16, 0, 0, 0, time.UTC); len(pts) < 2 || !pts[0].Time.Equal(want) ||
		pts[1].Time.Sub(pts[0].Time) != 500*time.Millisecond {
		t.Errorf("first fixes at %v, %v; want %v and half a second later", pts[0].Time, pts[1].Time, want)
	}
}

func TestSimulateCommandErrors(t *testing.T) {
	dir := t.TempDir()
	roads, grids := patrolFiles(t, dir)
	out := filepath.Join(dir, "day.gpx")
	checkCmdErrors(t, []cmdErrorCase{
		{"no roads", []string{"simulate", "--out", out}, true, "--roads"},
		{"grid without grids", []string{"simulate", "--roads", roads, "--grid", "sw", "--out", out}, true, "--grids"},
		{"unknown format", []string{"simulate", "--roads", roads, "--out", filepath.Join(dir, "day.kml")}, true, "--format"},
		{"bad day", []string{"simulate", "--roads", roads, "--day", "6/5/2024", "--out", out}, true, "--day"},
		{"several workers in GPX", []string{"simulate", "--roads", roads, "--workers", "3", "--out", out}, true, "--workers 3 with GPX"},
		{"unknown grid", []string{"simulate", "--roads", roads, "--grids", grids, "--grid", "zz", "--out", out}, false, `no grid "zz"`},
		{"roads are not lines", []string{"simulate", "--roads", grids, "--out", out}, false, "feature 0"},
		{"missing roads", []string{"simulate", "--roads", filepath.Join(dir, "none.geojson"), "--out", out}, false, "none.geojson"},
	})
}

func decodeSimGeoJSON(t *testing.T, path string) []patrol.TrackPoint {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pts, err := track.DecodeGeoJSON(f, track.DecodeOptions{Source: path})
	if err != nil {
		t.Fatal(err)
	}
	return pts
}
