package geo

import (
	"math"
	"testing"
	"time"
	"wangge/internal/cputime"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// tenKGrids returns 10,267 grids tiling a disc about 12 km across in
// central Beijing, like a city district's basic grids: each is the union
// of the seven H3 resolution-11 children of one resolution-10 cell (the
// cells of the disc of radius 58 around Tiananmen), so its outline is a
// ragged 18-gon and neighbours share their edges exactly. Coordinates are
// rounded to 7 decimals, as grids.geojson stores them. Grid ids are their
// positions.
//
// H3 cells stand in for real grids because the real block data here
// (Providence) has only 3,014 blocks; this gives the 10k polygons of the
// target with shapes and seams like grids drawn from blocks.
func tenKGrids(tb testing.TB) []block {
	tb.Helper()
	centre := Cell(orb.Point{116.3975, 39.9087}, 10)
	cells := h3.GridDisk(centre, 58)
	grids := make([]block, len(cells))
	for i, c := range cells {
		mp := CellsToMultiPolygon(c.Children(11))
		if len(mp) != 1 {
			tb.Fatalf("cell %v: its children make %d polygons", c, len(mp))
		}
		for _, r := range mp[0] {
			for j := range r {
				r[j] = orb.Point{math.Round(r[j][0]*1e7) / 1e7, math.Round(r[j][1]*1e7) / 1e7}
			}
		}
		grids[i] = block{ID: c.String(), Geom: mp[0]}
	}
	return grids
}

// intIndex indexes the blocks by position.
func intIndex(blocks []block) *Index[int] {
	ix := NewIndex[int]()
	for i, bl := range blocks {
		ix.Insert(i, bl.Geom)
	}
	return ix
}

// benchLookup times Lookup over points spread over the blocks, through the
// grid and through the R-tree alone (the path before the grid existed),
// reporting points per second of wall time and per second of CPU time.
func benchLookup(b *testing.B, blocks []block) {
	b.Helper()
	ix := intIndex(blocks)
	if ix.buildGrid() == nil {
		b.Fatal("no grid")
	}
	pts := randomPoints(blocksBound(blocks), 1<<16, 4)
	for _, path := range []struct {
		name   string
		lookup func(orb.Point) (int, bool)
	}{
		{"grid", ix.Lookup},
		{"rtree", ix.lookupTree},
	} {
		b.Run(path.name, func(b *testing.B) {
			found, i := 0, 0
			cpu0 := cputime.Self()
			for b.Loop() {
				if _, ok := path.lookup(pts[i&(len(pts)-1)]); ok {
					found++
				}
				i++
			}
			reportRate(b, b.N, b.Elapsed(), cputime.Self()-cpu0, "points")
			if found == 0 {
				b.Fatal("no point found a polygon")
			}
		})
	}
}

// reportRate reports n things done in wall and cpu time as things/s and,
// when CPU time was measured, things/cpu-s.
func reportRate(b *testing.B, n int, wall, cpu time.Duration, things string) {
	b.Helper()
	b.ReportMetric(float64(n)/wall.Seconds(), things+"/s")
	if cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), things+"/cpu-s")
	}
}

// BenchmarkLookupProvidence looks points up in Providence's 3,014 census
// blocks.
func BenchmarkLookupProvidence(b *testing.B) {
	benchLookup(b, loadBlocks(b))
}

// BenchmarkLookup10kGrids looks points up in the 10,267 grids of tenKGrids.
func BenchmarkLookup10kGrids(b *testing.B) {
	benchLookup(b, tenKGrids(b))
}

// TestTenKGridsTile checks the benchmark's grids: over 10,000 of them,
// each valid, and every random point of the disc's inner part in exactly
// one (so they tile without gaps or overlaps, as grids must).
func TestTenKGridsTile(t *testing.T) {
	grids := tenKGrids(t)
	if len(grids) < 10000 {
		t.Fatalf("%d grids, want at least 10,000", len(grids))
	}
	for _, g := range grids {
		if err := Validate(g.Geom); err != nil {
			t.Fatalf("grid %s: %v", g.ID, err)
		}
	}
	ix := intIndex(grids)
	b := blocksBound(grids)
	inner := orb.Bound{Min: b.Center(), Max: b.Center()}.Pad(0.2 * (b.Max[1] - b.Min[1]))
	for _, p := range randomPoints(inner, 5000, 8) {
		n := 0
		ix.Search(p, func(int) bool { n++; return true })
		if n != 1 {
			t.Fatalf("%v is in %d grids", p, n)
		}
	}
}
