package partition_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"wangge/internal/golden"
	"wangge/partition"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestGoldenPartition draws plans of the census blocks of
// testdata/blocks.geojson (Providence tract 300, see testdata/README.md)
// and compares the grids and the report, byte for byte, with what
//
//	wangge partition --blocks testdata/blocks.geojson --weight population \
//	    (--count 6 --tolerance 0.05 | --min 900 --max 1400) --seed 1 \
//	    --compare ward --out NAME.grids.geojson --report NAME.report.json
//
// wrote when the goldens were made, the timing (seconds) zeroed.
// `go test ./partition -run Golden -update` rewrites them.
func TestGoldenPartition(t *testing.T) {
	blocks := readTestBlocks(t, "blocks.geojson")
	tests := []struct {
		name string
		opt  partition.Options
	}{
		{"count", partition.Options{Weight: "population", Count: 6, Tolerance: 0.05, Seed: 1}},
		{"bounds", partition.Options{Weight: "population", Min: 900, Max: 1400, Seed: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := partition.Draw(context.Background(), blocks, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			var grids bytes.Buffer
			if err := partition.WriteGrids(&grids, res.Grids); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tc.name+".grids.geojson"), grids.Bytes(), *update)

			human, err := partition.PlanFromField(blocks, "ward", tc.opt.Weight)
			if err != nil {
				t.Fatal(err)
			}
			report := res.Report
			report.Seconds = 0 // timing, not a property of the plan
			h := partition.Summarize(human, len(blocks), report.Min, report.Max)
			report.Compare = &h
			golden.Check(t, filepath.Join("testdata", tc.name+".report.json"), reportJSON(t, report), *update)
		})
	}
}

// readTestBlocks reads a blocks file of testdata.
func readTestBlocks(t testing.TB, name string) []partition.Block {
	t.Helper()
	path := filepath.Join("testdata", name)
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

// reportJSON encodes a report as wangge partition --report writes it:
// indented by two spaces, ending in a newline.
func reportJSON(t testing.TB, r partition.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
