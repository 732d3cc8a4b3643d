package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"

	"wangge/partition"
)

// writeMosaic writes n generated blocks as a GeoJSON file and returns its
// path.
func writeMosaic(t *testing.T, dir string, n int) string {
	t.Helper()
	fc := geojson.NewFeatureCollection()
	for _, b := range partition.Mosaic(n, 1) {
		f := geojson.NewFeature(b.Geometry)
		for k, v := range b.Attrs {
			f.Properties[k] = v
		}
		f.Properties["households"] = b.Households
		fc.Append(f)
	}
	data, err := fc.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "blocks.geojson")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := Run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestPartitionCommand(t *testing.T) {
	dir := t.TempDir()
	blocks := writeMosaic(t, dir, 400)
	grids, report := filepath.Join(dir, "grids.geojson"), filepath.Join(dir, "report.json")
	stdout, stderr, err := runCmd(t, "partition", "--blocks", blocks, "--weight", "households", "--min", "150", "--max", "500",
		"--dedicated", "kind=school,hospital", "--code-prefix", "110105001002", "--out", grids, "--report", report)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "basic in [150.0, 500.0]") {
		t.Errorf("stdout lacks the bounds line:\n%s", stdout)
	}
	var rep map[string]any
	if err := json.Unmarshal(must(os.ReadFile(report)), &rep); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"blocks", "grids", "basic", "dedicated", "weight_total", "target", "min", "max", "basic_in_bounds",
		"max_deviation_pct", "mean_polsby_popper", "min_polsby_popper", "mean_hull_ratio", "unassigned_blocks", "seconds"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("report.json lacks %q", k)
		}
	}
	fc, err := geojson.UnmarshalFeatureCollection(must(os.ReadFile(grids)))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, f := range fc.Features {
		id := f.Properties.MustString("id")
		if len(id) != 15 || !strings.HasPrefix(id, "110105001002") {
			t.Errorf("grid id %q is not a 15-digit code", id)
		}
		for _, b := range f.Properties["blocks"].([]any) {
			seen[b.(string)]++
		}
	}
	if len(seen) != 400 || slices.ContainsFunc(mapValues(seen), func(n int) bool { return n != 1 }) {
		t.Errorf("%d distinct blocks in grids, want each of 400 once", len(seen))
	}

	out, _, err := runCmd(t, "partition", "validate", "--blocks", blocks, "--plan", grids, "--weight", "households", "--min", "150", "--max", "500")
	if err != nil && !errors.Is(err, errPlanBroken) {
		t.Fatal(err)
	}
	first := fc.Features[0].Properties
	block := first["blocks"].([]any)[0].(string)
	other := fc.Features[1].Properties.MustString("id")
	moved := filepath.Join(dir, "moved.geojson")
	if _, stderr, err := runCmd(t, "partition", "move", "--blocks", blocks, "--plan", grids, "--weight", "households",
		"--min", "150", "--max", "500", "--block", block, "--to", other, "--out", moved); err != nil {
		t.Fatalf("move: %v\n%s", err, stderr)
	}
	diff, _, err := runCmd(t, "partition", "diff", grids, moved)
	if err != nil || !strings.HasPrefix(diff, "1 blocks moved") {
		t.Errorf("diff: %v\n%s (validate said %s)", err, diff, out)
	}
	split := filepath.Join(dir, "split.geojson")
	if _, stderr, err := runCmd(t, "partition", "split", "--blocks", blocks, "--plan", grids, "--weight", "households",
		"--min", "150", "--max", "500", "--grid", other, "--k", "2", "--out", split); err != nil {
		t.Fatalf("split: %v\n%s", err, stderr)
	}
	if diff, _, err := runCmd(t, "partition", "diff", grids, split); err != nil || !strings.Contains(diff, "grids added [") || strings.Contains(diff, "added []") {
		t.Errorf("diff after split: %v\n%s", err, diff)
	}
}

func TestPartitionCommandErrors(t *testing.T) {
	dir := t.TempDir()
	blocks := writeMosaic(t, dir, 20)
	tests := []struct {
		name string
		args []string
		err  error
	}{
		{"no out", []string{"partition", "--blocks", blocks, "--weight", "households", "--count", "2", "--tolerance", "0.1"}, ErrUsage},
		{"no mode", []string{"partition", "--blocks", blocks, "--weight", "households", "--out", filepath.Join(dir, "g")}, partition.ErrOptions},
		{"too many grids", []string{"partition", "--blocks", blocks, "--weight", "households", "--count", "50", "--tolerance", "0.1", "--out", filepath.Join(dir, "g")}, partition.ErrInfeasible},
		{"bad prefix", []string{"partition", "--blocks", blocks, "--weight", "households", "--count", "2", "--tolerance", "0.1", "--code-prefix", "12", "--out", filepath.Join(dir, "g")}, partition.ErrOptions},
		{"missing file", []string{"partition", "--blocks", filepath.Join(dir, "none"), "--weight", "households", "--count", "2", "--tolerance", "0.1", "--out", filepath.Join(dir, "g")}, os.ErrNotExist},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := runCmd(t, tc.args...); !errors.Is(err, tc.err) {
				t.Errorf("error %v, want %v", err, tc.err)
			}
		})
	}
}

func mapValues(m map[string]int) []int {
	var out []int
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
