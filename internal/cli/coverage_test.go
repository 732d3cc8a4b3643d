package cli

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/coverage"
	"wangge/geo"
	"wangge/partition"
)

// patrolFiles writes a street lattice around Tiananmen as roads.geojson
// (streets 100 m apart at ±50, ±150 and ±250 m, 600 m long, a vertex every
// 50 m), and the four 300 m quadrants as grids sw, se, nw, ne in
// grids.geojson: each grid holds a 3×3 street grid, no street runs along a
// grid boundary.
func patrolFiles(t *testing.T, dir string) (roads, grids string) {
	t.Helper()
	proj := geo.NewProjection(orb.Point{116.3975, 39.9087})
	at := func(x, y float64) orb.Point { return proj.Inverse(orb.Point{x, y}) }
	fc := geojson.NewFeatureCollection()
	for c := -250.0; c <= 250; c += 100 {
		var ew, ns orb.LineString
		for d := -300.0; d <= 300; d += 50 {
			ew, ns = append(ew, at(d, c)), append(ns, at(c, d))
		}
		fc.Append(geojson.NewFeature(ew))
		fc.Append(geojson.NewFeature(ns))
	}
	roads = filepath.Join(dir, "roads.geojson")
	if err := writeFile(roads, func(w io.Writer) error { return writeJSON(w, fc) }); err != nil {
		t.Fatal(err)
	}
	var gs []partition.Grid
	for _, q := range []struct {
		id     string
		x0, y0 float64
	}{{"sw", -300, -300}, {"se", 0, -300}, {"nw", -300, 0}, {"ne", 0, 0}} {
		ring := orb.Ring{at(q.x0, q.y0), at(q.x0+300, q.y0), at(q.x0+300, q.y0+300), at(q.x0, q.y0+300), at(q.x0, q.y0)}
		gs = append(gs, partition.Grid{ID: partition.GridID(q.id), Kind: partition.Basic,
			Blocks: []partition.BlockID{partition.BlockID(q.id)}, Geometry: orb.MultiPolygon{{ring}}})
	}
	grids = filepath.Join(dir, "grids.geojson")
	if err := writeFile(grids, func(w io.Writer) error { return partition.WriteGrids(w, gs) }); err != nil {
		t.Fatal(err)
	}
	return roads, grids
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestCoverageCommand(t *testing.T) {
	dir := t.TempDir()
	roads, grids := patrolFiles(t, dir)
	day := filepath.Join(dir, "day.geojson")
	if _, stderr, err := runCmd(t, "simulate", "--roads", roads, "--grids", grids, "--grid", "sw", "--workers", "2",
		"--seed", "9", "--day", "2024-05-06", "--hours", "3", "--out", day); err != nil {
		t.Fatalf("simulate: %v\n%s", err, stderr)
	}
	gaps, report, heat := filepath.Join(dir, "gaps.geojson"), filepath.Join(dir, "coverage.json"), filepath.Join(dir, "heat.geojson")
	stdout, stderr, err := runCmd(t, "coverage", "--grids", grids, "--tracks", day, "--out", gaps, "--report", report, "--heat", heat)
	if err != nil {
		t.Fatalf("coverage: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "cells covered") {
		t.Errorf("stdout %q", stdout)
	}
	var rep coverage.CoverageReport
	readJSONFile(t, report, &rep)
	share := map[partition.GridID]float64{}
	for _, g := range rep.Grids {
		share[g.ID] = g.Share
	}
	// Two workers walking 3 hours on the streets of their grid pass most
	// of them. The grid diagonally across is at least 50 m from their
	// streets: only GPS drift (30–80 m, now and then) reaches it.
	t.Logf("shares %v", share)
	if len(share) != 4 || share["sw"] < 0.5 || share["ne"] > 0.05 || share["se"] > share["sw"]/2 || share["nw"] > share["sw"]/2 {
		t.Errorf("shares %v: want sw well covered, the others little", share)
	}
	if rep.Fixes == 0 || rep.Runs != 2 || rep.Days != 1 {
		t.Errorf("fixes %d, runs %d, days %d; want 2 runs on 1 day", rep.Fixes, rep.Runs, rep.Days)
	}
	var fc geojson.FeatureCollection
	readJSONFile(t, gaps, &fc)
	for _, f := range fc.Features {
		g := partition.GridID(f.Properties.MustString("grid"))
		if s := f.Properties.MustFloat64("share"); s < 0 || s >= 1 || s-share[g] > 1e-4 || share[g]-s > 1e-4 {
			t.Errorf("gap feature of %s: share %v, report %v", g, s, share[g])
		}
	}
	readJSONFile(t, heat, &fc)
	if len(fc.Features) != rep.Covered {
		t.Errorf("heat has %d cells, report %d covered", len(fc.Features), rep.Covered)
	}

	t.Run("window", func(t *testing.T) {
		_, stderr, err := runCmd(t, "coverage", "--grids", grids, day, "--from", "2024-05-07", "--out", gaps, "--report", report)
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		var rep coverage.CoverageReport
		readJSONFile(t, report, &rep)
		if rep.Fixes != 0 || rep.Covered != 0 {
			t.Errorf("a window after the day: %d fixes, %d covered", rep.Fixes, rep.Covered)
		}
	})
}

func TestCoverageCommandErrors(t *testing.T) {
	dir := t.TempDir()
	_, grids := patrolFiles(t, dir)
	bad := filepath.Join(dir, "bad.gpx")
	if err := os.WriteFile(bad, []byte(`<gpx><trk><trkseg><trkpt lat="95" lon="116"><time>2024-05-06T08:00:00Z</time></trkpt></trkseg></trk></gpx>`), 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.gpx")
	if err := os.WriteFile(good, []byte(`<gpx><trk><trkseg><trkpt lat="39.9" lon="116.4"><time>2024-05-06T08:00:00Z</time></trkpt></trkseg></trk></gpx>`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "gaps.geojson")
	checkCmdErrors(t, []cmdErrorCase{
		{"no grids", []string{"coverage", "--tracks", bad, "--out", out}, true, "--grids"},
		{"no tracks", []string{"coverage", "--grids", grids, "--out", out}, true, "track file"},
		{"bad format", []string{"coverage", "--grids", grids, "--tracks", bad, "--format", "kml", "--out", out}, true, "kml"},
		{"bad date", []string{"coverage", "--grids", grids, "--tracks", bad, "--from", "May 6", "--out", out}, true, "--from"},
		{"missing track file", []string{"coverage", "--grids", grids, "--tracks", filepath.Join(dir, "none.gpx"), "--out", out}, false, "none.gpx"},
		{"bad track file", []string{"coverage", "--grids", grids, "--tracks", bad, "--out", out}, false, "bad.gpx"},
		{"bad resolution", []string{"coverage", "--grids", grids, "--tracks", good, "--res", "16", "--out", out}, false, "res 16"},
	})
}

// cmdErrorCase is a command line that must fail: with a usage error said
// on stderr, or with an error naming what is wrong.
type cmdErrorCase struct {
	name  string
	args  []string
	usage bool
	names string
}

func checkCmdErrors(t *testing.T, cases []cmdErrorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := runCmd(t, tc.args...)
			if tc.usage {
				if !errors.Is(err, ErrUsage) || !strings.Contains(stderr, tc.names) {
					t.Errorf("err %v, stderr %q; want a usage error naming %s", err, stderr, tc.names)
				}
				return
			}
			if err == nil || errors.Is(err, ErrUsage) || !strings.Contains(err.Error(), tc.names) {
				t.Errorf("err %v; want an error naming %s", err, tc.names)
			}
		})
	}
}
