package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

// TestBlocks: a # of four streets around a 0.002° square gives the square
// as one block, plus the faces outside it that the outline ring closes;
// keep drops faces by their interior point; a face under minM2 merges
// into its neighbour.
func TestBlocks(t *testing.T) {
	ls := func(pts ...orb.Point) orb.LineString { return orb.LineString(pts) }
	lines := []orb.LineString{
		ls(orb.Point{0, 0.001}, orb.Point{0.004, 0.001}), ls(orb.Point{0, 0.003}, orb.Point{0.004, 0.003}),
		ls(orb.Point{0.001, 0}, orb.Point{0.001, 0.004}), ls(orb.Point{0.003, 0}, orb.Point{0.003, 0.004}),
		ls(orb.Point{0, 0}, orb.Point{0.004, 0}, orb.Point{0.004, 0.004}, orb.Point{0, 0.004}, orb.Point{0, 0}),
	}
	all, invalid := Blocks(lines, nil, 1)
	if len(all) != 9 || len(invalid) != 0 {
		t.Fatalf("%d blocks, %d invalid; want the 9 faces of the #", len(all), len(invalid))
	}
	centre := func(p orb.Point) bool { return p[0] > 0.001 && p[0] < 0.003 && p[1] > 0.001 && p[1] < 0.003 }
	kept, _ := Blocks(lines, centre, 1)
	if len(kept) != 1 || Area(kept[0]) < 4.9e4 || Area(kept[0]) > 5e4 {
		t.Fatalf("kept %d blocks, want the centre square of ~49,400 m²", len(kept))
	}
	// The corner faces are ~12,350 m²: with minM2 above that they merge.
	merged, _ := Blocks(lines, nil, 20_000)
	if len(merged) >= 9 || len(merged) == 0 {
		t.Fatalf("%d blocks after merging faces under 20,000 m², want fewer than 9", len(merged))
	}
}
