// Package plantest checks in tests that a plan's grids cover its blocks
// as a plan must, with PostGIS as the referee.
package plantest

import (
	"context"
	"testing"
	"wangge/data/pgtest"
	"wangge/geo"
	"wangge/partition"

	"github.com/paulmach/orb/encoding/wkt"
)

// checkBlocksInOneGrid checks the cover rules that need no referee:
// every grid valid, every block in exactly one grid, and no grid naming a
// block that is not there.
func checkBlocksInOneGrid(t testing.TB, grids []partition.Grid, blocks []partition.Block) {
	t.Helper()
	in := make(map[partition.BlockID]int)
	for _, g := range grids {
		if err := geo.Validate(g.Geometry); err != nil {
			t.Errorf("grid %s: %v", g.ID, err)
		}
		for _, b := range g.Blocks {
			in[b]++
		}
	}
	for _, b := range blocks {
		if in[b.ID] != 1 {
			t.Errorf("block %s (%s) is in %d grids", b.ID, b.Kind, in[b.ID])
		}
	}
	if len(in) != len(blocks) {
		t.Errorf("grids name %d blocks, there are %d", len(in), len(blocks))
	}
}

// CheckCover checks that grids cover blocks as a plan must: every grid
// valid, every block in exactly one grid, no grid naming a block that is
// not there, and, asked of PostGIS, no two grids sharing interior and the
// grids' union equal to the blocks' (within 1e-6 of the area).
func CheckCover(t testing.TB, blocks []partition.Block, grids []partition.Grid) {
	t.Helper()
	checkBlocksInOneGrid(t, grids, blocks)
	conn := pgtest.Conn(t)
	var bw, gw []string
	for _, b := range blocks {
		bw = append(bw, wkt.MarshalString(b.Geometry))
	}
	for _, g := range grids {
		gw = append(gw, wkt.MarshalString(g.Geometry))
	}
	var overlaps int
	var gridArea, blockArea, symDiff float64
	err := conn.QueryRow(context.Background(), `
		WITH g AS (SELECT i, ST_GeomFromText(w, 4326) AS g FROM unnest($1::text[]) WITH ORDINALITY AS t(w, i)),
		b AS (SELECT ST_GeomFromText(w, 4326) AS g FROM unnest($2::text[]) AS w),
		u AS (SELECT (SELECT ST_Union(g) FROM g) AS gu, (SELECT ST_Union(g) FROM b) AS bu)
		SELECT (SELECT count(*) FROM g x JOIN g y ON x.i < y.i AND x.g && y.g AND ST_Relate(x.g, y.g, '2********')),
		       ST_Area(gu::geography), ST_Area(bu::geography), ST_Area(ST_SymDifference(gu, bu)::geography)
		FROM u`, gw, bw).Scan(&overlaps, &gridArea, &blockArea, &symDiff)
	if err != nil {
		t.Fatal(err)
	}
	if overlaps != 0 {
		t.Errorf("PostGIS finds %d pairs of grids sharing interior", overlaps)
	}
	if symDiff > 1e-6*blockArea {
		t.Errorf("grids' union (%.0f m²) and blocks' union (%.0f m²) differ by %.1f m²", gridArea, blockArea, symDiff)
	}
}
