package partition_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/data/pgtest"
	"wangge/partition"
)

var jsonMarshal = json.Marshal

// TestCoverAgainstPostGIS checks the drawn plans against PostGIS: every
// block in exactly one grid, every grid valid and equal to the union of
// its blocks, no overlaps, the union of grids equal to the union of
// blocks, basic grids single polygons, and the Polsby-Popper and hull
// ratio figures.
func TestCoverAgainstPostGIS(t *testing.T) {
	blocks := providence(t)
	conn := pgtest.Conn(t)
	ctx := context.Background()
	loadBlocks(t, conn, blocks)
	for _, tc := range []struct {
		name string
		opt  partition.Options
	}{{"count15", countOpt}, {"bounds800-1300", boundsOpt}} {
		t.Run(tc.name, func(t *testing.T) {
			res := draw(t, blocks, tc.opt)
			loadGrids(t, conn, res.Grids)
			q := func(sql string, dst ...any) {
				t.Helper()
				if err := conn.QueryRow(ctx, sql).Scan(dst...); err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
			}
			var missing, twice int
			q(`SELECT count(*) FILTER (WHERE n = 0), count(*) FILTER (WHERE n > 1) FROM (
				SELECT b.id, count(gb.grid) AS n FROM blocks b LEFT JOIN grid_blocks gb ON gb.block = b.id GROUP BY b.id) s`, &missing, &twice)
			if missing != 0 || twice != 0 {
				t.Errorf("%d blocks in no grid, %d in more than one", missing, twice)
			}
			var invalid int
			q(`SELECT count(*) FROM grids WHERE NOT ST_IsValid(geom)`, &invalid)
			if invalid != 0 {
				t.Errorf("%d grids are not valid", invalid)
			}
			var overlap, gridArea, blockArea, symdiff float64
			q(`SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0)
				FROM grids a JOIN grids b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)`, &overlap)
			q(`SELECT ST_Area(ST_Union(geom)::geography) FROM grids`, &gridArea)
			q(`SELECT ST_Area(ST_Union(geom)::geography) FROM blocks`, &blockArea)
			if overlap > 1e-6*blockArea {
				t.Errorf("grids overlap by %.3f m² in all", overlap)
			}
			if math.Abs(gridArea-blockArea) > 1e-6*blockArea {
				t.Errorf("union of grids %.1f m², union of blocks %.1f m²", gridArea, blockArea)
			}
			q(`SELECT coalesce(max(ST_Area(ST_SymDifference(g.geom, u.geom)::geography)), 0) FROM grids g
				JOIN (SELECT gb.grid, ST_Union(b.geom) AS geom FROM grid_blocks gb JOIN blocks b ON b.id = gb.block GROUP BY gb.grid) u
				ON u.grid = g.id`, &symdiff)
			if symdiff > 1 {
				t.Errorf("a grid differs from the union of its blocks by %.2f m²", symdiff)
			}
			var multi int
			q(`SELECT count(*) FROM grids WHERE kind = 'basic' AND ST_NumGeometries(geom) <> 1`, &multi)
			if multi != 0 {
				t.Errorf("%d basic grids are not one polygon", multi)
			}
			var worstPP, worstHull float64
			byID := map[string]partition.Grid{}
			for _, g := range res.Grids {
				byID[string(g.ID)] = g
			}
			rows, err := conn.Query(ctx, `SELECT id, 4*pi()*ST_Area(geom::geography)/power(ST_Perimeter(geom::geography), 2),
				ST_Area(geom::geography)/ST_Area(ST_ConvexHull(geom)::geography) FROM grids`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var sum float64
			for rows.Next() {
				var id string
				var pp, hull float64
				if err := rows.Scan(&id, &pp, &hull); err != nil {
					t.Fatal(err)
				}
				sum += pp
				worstPP = math.Max(worstPP, math.Abs(pp-byID[id].PolsbyPopper))
				worstHull = math.Max(worstHull, math.Abs(hull-byID[id].HullRatio))
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if worstPP > 1e-3 || worstHull > 1e-3 {
				t.Errorf("Polsby-Popper differs from PostGIS's by up to %.4f, hull ratio by %.4f", worstPP, worstHull)
			}
			if tc.opt.CountMode() && sum/float64(len(res.Grids)) < 0.407 {
				t.Errorf("mean Polsby-Popper by PostGIS %.4f, below the ward plan's 0.407", sum/float64(len(res.Grids)))
			}
		})
	}
}

func loadBlocks(t *testing.T, conn *pgx.Conn, blocks []partition.Block) {
	t.Helper()
	ctx := context.Background()
	if _, err := conn.Exec(ctx, `CREATE TABLE blocks (id text PRIMARY KEY, geom geometry(MultiPolygon, 4326))`); err != nil {
		t.Fatal(err)
	}
	rows := make([][]any, len(blocks))
	for i, b := range blocks {
		rows[i] = []any{string(b.ID), geoJSON(t, b.Geometry)}
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE blocks_in (id text, gj text)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"blocks_in"}, []string{"id", "gj"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO blocks SELECT id, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326)) FROM blocks_in`); err != nil {
		t.Fatal(err)
	}
}

func loadGrids(t *testing.T, conn *pgx.Conn, grids []partition.Grid) {
	t.Helper()
	ctx := context.Background()
	for _, sql := range []string{
		`DROP TABLE IF EXISTS grids, grid_blocks`,
		`CREATE TABLE grids (id text PRIMARY KEY, kind text, gj text, geom geometry)`,
		`CREATE TABLE grid_blocks (grid text, block text)`,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	var gr, gb [][]any
	for _, g := range grids {
		var geom orb.Geometry = g.Geometry
		if len(g.Geometry) == 1 {
			geom = g.Geometry[0]
		}
		gr = append(gr, []any{string(g.ID), string(g.Kind), geoJSON(t, geom)})
		for _, b := range g.Blocks {
			gb = append(gb, []any{string(g.ID), string(b)})
		}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"grids"}, []string{"id", "kind", "gj"}, pgx.CopyFromRows(gr)); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"grid_blocks"}, []string{"grid", "block"}, pgx.CopyFromRows(gb)); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE grids SET geom = ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326)`); err != nil {
		t.Fatal(err)
	}
}

func geoJSON(t *testing.T, g orb.Geometry) string {
	t.Helper()
	b, err := geojson.NewGeometry(g).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
