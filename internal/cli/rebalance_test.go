package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"wangge/partition"
)

// syntheticKeyPlaces writes a synthetic key-place layer over blocks: one
// key place per 40 residents of a block (rounded down), at the block's
// centroid nudged by up to 20 m, of a category drawn at random (seed 1)
// from the five default ones.
func syntheticKeyPlaces(t *testing.T, blocks []partition.Block, path string) int {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	cats := []string{"elderly-living-alone", "left-behind-child", "disabled", "hardship-household", "hazard"}
	fc := geojson.NewFeatureCollection()
	for _, b := range blocks {
		c, _ := planar.CentroidArea(b.Geometry)
		for range b.Population / 40 {
			f := geojson.NewFeature(orb.Point{c[0] + (rng.Float64()-0.5)*0.0004, c[1] + (rng.Float64()-0.5)*0.0004})
			f.Properties["id"] = fmt.Sprintf("kp%05d", len(fc.Features))
			f.Properties["category"] = cats[rng.IntN(len(cats))]
			fc.Append(f)
		}
	}
	out, err := json.Marshal(fc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return len(fc.Features)
}

// TestRebalanceProvidenceWorkload draws Providence's 15 grids by
// population, weighs them by workload (their streets and a synthetic
// key-place layer) and rebalances that load within 5% of the mean by
// boundary moves: the printed diff and figures are what the README
// quotes.
func TestRebalanceProvidenceWorkload(t *testing.T) {
	if _, err := os.Stat(providenceBlocks); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("data file %s is missing", providenceBlocks)
	}
	f, err := os.Open(providenceBlocks)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := partition.ReadBlocks(f, providenceBlocks, "id")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	kp := filepath.Join(dir, "keyplaces.geojson")
	n := syntheticKeyPlaces(t, blocks, kp)
	plan, re := filepath.Join(dir, "plan.geojson"), filepath.Join(dir, "rebalanced.geojson")
	if _, stderr, err := runCmd(t, "partition", "--blocks", providenceBlocks, "--weight", "population", "--count", "15", "--tolerance", "0.02",
		"--seed", "1", "--out", plan); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	out, stderr, err := runCmd(t, "partition", "rebalance", "--blocks", providenceBlocks, "--plan", plan, "--weight", "workload",
		"--key-places", kp, "--count", "15", "--tolerance", "0.05", "--balance", "0.05", "--out", re)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	m := regexp.MustCompile(`(\d+) moves, (\d+) blocks changed grid; max deviation ([\d.]+)% → ([\d.]+)%`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no summary in\n%s", out)
	}
	before, _ := strconv.ParseFloat(m[3], 64)
	after, _ := strconv.ParseFloat(m[4], 64)
	if after > 5 || before <= after || regexp.MustCompile(`problem:.*disconnected`).MatchString(out) {
		t.Errorf("max deviation %g%% → %g%%, want ≤ 5%% and contiguous grids:\n%s", before, after, out)
	}
	t.Logf("%d synthetic key places; %s", n, m[0])
}
