package geo

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"wangge/data/pgtest"
)

// loadBlocksIntoPostGIS copies the blocks into a table b(id, g geography)
// in one COPY.
func loadBlocksIntoPostGIS(t *testing.T, conn *pgx.Conn, blocks []block) {
	t.Helper()
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "CREATE TABLE b (id text PRIMARY KEY, wkt text, g geography)"); err != nil {
		t.Fatal(err)
	}
	rows := make([][]any, len(blocks))
	for i, bl := range blocks {
		rows[i] = []any{bl.ID, wkt.MarshalString(bl.Geom)}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"b"}, []string{"id", "wkt"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "UPDATE b SET g = ST_GeogFromText('SRID=4326;' || wkt)"); err != nil {
		t.Fatal(err)
	}
}

func TestAreaPerimeterMatchPostGIS(t *testing.T) {
	blocks := loadBlocks(t)
	conn := pgtest.Conn(t)
	loadBlocksIntoPostGIS(t, conn, blocks)
	ctx := context.Background()
	rows, err := conn.Query(ctx, "SELECT id, ST_Area(g), ST_Perimeter(g) FROM b")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := make(map[string][2]float64, len(blocks))
	for rows.Next() {
		var id string
		var a, p float64
		if err := rows.Scan(&id, &a, &p); err != nil {
			t.Fatal(err)
		}
		want[id] = [2]float64{a, p}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(blocks) {
		t.Fatalf("PostGIS has %d blocks, file %d", len(want), len(blocks))
	}
	var maxArea, maxPerim float64
	for _, bl := range blocks {
		w := want[bl.ID]
		ea, ep := relErr(Area(bl.Geom), w[0]), relErr(Perimeter(bl.Geom), w[1])
		if ea > 1e-3 {
			t.Errorf("block %s: Area %.3f m², PostGIS %.3f (%.4f%%)", bl.ID, Area(bl.Geom), w[0], ea*100)
		}
		if ep > 1e-3 {
			t.Errorf("block %s: Perimeter %.3f m, PostGIS %.3f (%.4f%%)", bl.ID, Perimeter(bl.Geom), w[1], ep*100)
		}
		maxArea, maxPerim = math.Max(maxArea, ea), math.Max(maxPerim, ep)
	}
	t.Logf("%d blocks: max relative error vs PostGIS geography: area %.3g, perimeter %.3g", len(blocks), maxArea, maxPerim)
}

func TestDistanceLengthMatchPostGIS(t *testing.T) {
	lines := map[string]orb.LineString{
		"providence street":          {{-71.4128, 41.8240}, {-71.4100, 41.8262}, {-71.4050, 41.8270}},
		"beijing to shanghai":        {{116.404, 39.915}, {121.4737, 31.2304}},
		"equator 10 degrees":         {{0, 0}, {10, 0}},
		"meridian pole to pole part": {{30, -80}, {30, 80}},
		"across antimeridian":        {{179.5, -16.5}, {-179.5, -17.0}},
		"quito to singapore":         {{-78.4678, -0.1807}, {103.8198, 1.3521}},
		"long zigzag":                {{0, 0}, {45, 45}, {90, 0}, {135, -45}, {179, 0}},
	}
	conn := pgtest.Conn(t)
	ctx := context.Background()
	for name, ls := range lines {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			var wantLen, wantDist float64
			err := conn.QueryRow(ctx, "SELECT ST_Length(ST_GeogFromText($1)), ST_Distance(ST_GeogFromText($2), ST_GeogFromText($3))",
				"SRID=4326;"+wkt.MarshalString(ls), pointWKT(ls[0]), pointWKT(ls[len(ls)-1])).Scan(&wantLen, &wantDist)
			if err != nil {
				t.Fatal(err)
			}
			if e := relErr(Length(ls), wantLen); e > 1e-3 {
				t.Errorf("Length %.3f m, PostGIS %.3f (rel %.3g)", Length(ls), wantLen, e)
			}
			d := Distance(ls[0], ls[len(ls)-1])
			if e := relErr(d, wantDist); e > 1e-3 {
				t.Errorf("Distance %.3f m, PostGIS %.3f (rel %.3g)", d, wantDist, e)
			}
		})
	}
}

func pointWKT(p orb.Point) string {
	return fmt.Sprintf("SRID=4326;POINT(%.10f %.10f)", p[0], p[1])
}
