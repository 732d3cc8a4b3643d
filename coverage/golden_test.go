package coverage_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the goldens' zones must load on hosts without a zone database

	"github.com/paulmach/orb"

	"wangge/coverage"
	"wangge/coverage/patrol"
	"wangge/coverage/track"
	"wangge/internal/golden"
	"wangge/partition"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestGoldenCoverage computes the coverage of the inputs under
// testdata/NAME (see testdata/README.md) as
//
//	wangge coverage --grids grids.geojson [--blocks blocks.geojson] \
//	    --tracks F.gpx… --tz ZONE --out gaps.geojson --report report.json
//
// does (each GPX file one worker named after it, the fixes cleaned with
// the default options), and compares gaps.geojson and report.json byte
// for byte with the goldens there. `go test ./coverage -run Golden
// -update` rewrites them.
func TestGoldenCoverage(t *testing.T) {
	tests := []struct {
		name   string
		zone   string
		tracks []string
		grids  func(t *testing.T, dir string) []partition.Grid
		blocks bool
	}{
		// Real census blocks and the grids wangge partition drew from
		// them; two synthetic patrols (wangge simulate) on two days.
		{name: "providence", zone: "America/New_York", tracks: []string{"patrol-0514.gpx", "patrol-0515.gpx"},
			grids: readGrids, blocks: true},
		// A real phone track (a 30-minute walk) over synthetic grids: no
		// census blocks exist there.
		{name: "visnjan", zone: "Europe/Zagreb", tracks: []string{"visnjan.gpx"},
			grids: func(*testing.T, string) []partition.Grid { return visnjanGrids() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join("testdata", tc.name)
			grids := tc.grids(t, dir)
			var blocks []partition.Block
			if tc.blocks {
				blocks = readBlocks(t, dir)
			}
			zone, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			var pts []patrol.TrackPoint
			for _, name := range tc.tracks {
				pts = append(pts, readGPX(t, filepath.Join(dir, name))...)
			}
			kept, _ := track.Clean(pts, track.CleanOptions{})
			rep, err := coverage.Coverage(grids, blocks, kept, coverage.CoverageOptions{Zone: zone})
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join(dir, "gaps.geojson"), indentJSON(t, rep.GapsGeoJSON()), *update)
			golden.Check(t, filepath.Join(dir, "report.json"), indentJSON(t, rep), *update)
		})
	}
}

// visnjanGrids are four synthetic square grids of 500 m (patrol's
// SynthDistrict) around the middle of the Višnjan walk.
func visnjanGrids() []partition.Grid {
	return patrol.NewSynthDistrict(orb.Point{13.7216, 45.2752}, 2).Grids
}

func readGrids(t *testing.T, dir string) []partition.Grid {
	t.Helper()
	path := filepath.Join(dir, "grids.geojson")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	grids, err := partition.ReadGrids(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return grids
}

func readBlocks(t *testing.T, dir string) []partition.Block {
	t.Helper()
	path := filepath.Join(dir, "blocks.geojson")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	blocks, err := partition.ReadBlocks(f, path, "id")
	if err != nil {
		t.Fatal(err)
	}
	return blocks
}

// readGPX decodes a GPX file whose fixes belong to one worker named after
// the file, as wangge coverage names them.
func readGPX(t *testing.T, path string) []patrol.TrackPoint {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	worker := patrol.WorkerID(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	pts, err := track.DecodeGPX(f, track.DecodeOptions{Source: path, Worker: worker})
	if err != nil {
		t.Fatal(err)
	}
	return pts
}

// indentJSON encodes v as wangge coverage writes its files: indented by
// two spaces, ending in a newline.
func indentJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
