package geo

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// providencePath is the Providence census blocks file, relative to this
// package (shared/ sits beside the repository).
var providencePath = filepath.Join("..", "..", "shared", "data", "blocks", "providence_blocks.geojson")

// block is one Providence census block.
type block struct {
	ID   string
	Geom orb.Geometry
}

// loadBlocks reads the Providence blocks, skipping the test when the file
// is missing.
func loadBlocks(tb testing.TB) []block {
	tb.Helper()
	raw, err := os.ReadFile(providencePath)
	if os.IsNotExist(err) {
		tb.Skipf("test data %s is missing", providencePath)
	}
	if err != nil {
		tb.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		tb.Fatalf("%s: %v", providencePath, err)
	}
	out := make([]block, 0, len(fc.Features))
	for i, f := range fc.Features {
		id, ok := f.Properties["id"].(string)
		if !ok {
			tb.Fatalf("%s: feature %d has no string id", providencePath, i)
		}
		out = append(out, block{ID: id, Geom: f.Geometry})
	}
	return out
}

// blocksBound is the bounding box of all blocks.
func blocksBound(blocks []block) orb.Bound {
	b := blocks[0].Geom.Bound()
	for _, bl := range blocks[1:] {
		b = b.Union(bl.Geom.Bound())
	}
	return b
}

// relErr is |got-want|/|want|.
func relErr(got, want float64) float64 {
	if want == 0 {
		return got
	}
	d := (got - want) / want
	if d < 0 {
		d = -d
	}
	return d
}
