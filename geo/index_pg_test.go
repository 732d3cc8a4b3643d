package geo

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"wangge/data/pgtest"
	"wangge/internal/cputime"
)

// loadGridsAndPoints makes two PostGIS tables from the same data as the
// Go index: grids(id, geom) with a GiST index (any polygons: grids or
// blocks), and pts(id, geom) holding the points in order; ids are
// positions in grids and pts.
func loadGridsAndPoints(tb testing.TB, conn *pgx.Conn, grids []block, pts []orb.Point) {
	tb.Helper()
	ctx := context.Background()
	gridRows := make([][]any, len(grids))
	for i, g := range grids {
		gridRows[i] = []any{i, wkt.MarshalString(g.Geom)}
	}
	ptRows := make([][]any, len(pts))
	for i, p := range pts {
		ptRows[i] = []any{i, p[0], p[1]}
	}
	for _, q := range []string{
		"CREATE TABLE grids_wkt (id int, wkt text)",
		"CREATE TABLE pts_xy (id int, x float8, y float8)",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"grids_wkt"}, []string{"id", "wkt"}, pgx.CopyFromRows(gridRows)); err != nil {
		tb.Fatal(err)
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"pts_xy"}, []string{"id", "x", "y"}, pgx.CopyFromRows(ptRows)); err != nil {
		tb.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TABLE grids AS SELECT id, ST_GeomFromText(wkt, 4326) AS geom FROM grids_wkt",
		"CREATE TABLE pts AS SELECT id, ST_SetSRID(ST_MakePoint(x, y), 4326)::geometry(Point, 4326) AS geom FROM pts_xy",
		"CREATE INDEX ON grids USING gist (geom)",
		"ANALYZE grids",
		"ANALYZE pts",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
}

// containsJoin is the PostGIS query the Go index is measured against.
const containsJoin = "SELECT p.id, g.id FROM pts p JOIN grids g ON ST_Contains(g.geom, p.geom)"

// postgisOwners runs containsJoin and returns, for each point, the grids
// PostGIS finds it in.
func postgisOwners(tb testing.TB, conn *pgx.Conn, n int) [][]int {
	tb.Helper()
	rows, err := conn.Query(context.Background(), containsJoin)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	owners := make([][]int, n)
	for rows.Next() {
		var p, g int
		if err := rows.Scan(&p, &g); err != nil {
			tb.Fatal(err)
		}
		owners[p] = append(owners[p], g)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return owners
}

// TestLookupMatchesPostGIS asks PostGIS's ST_Contains which polygon holds
// each of many random points, over the Providence blocks and over the 10k
// grids, and compares Lookup. A point PostGIS puts in two polygons would be
// on a shared boundary, where ST_Contains counts neither (it excludes the
// boundary) and Lookup picks one by its rule; none is expected among
// random points, but such a point would only be logged.
func TestLookupMatchesPostGIS(t *testing.T) {
	cases := []struct {
		name  string
		polys func(testing.TB) []block
		n     int
	}{
		{"providence blocks", loadBlocks, 20000},
		{"10k grids", tenKGrids, 50000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			polys := tc.polys(t)
			conn := pgtest.Conn(t)
			pts := randomPoints(blocksBound(polys), tc.n, 10)
			loadGridsAndPoints(t, conn, polys, pts)
			ix := intIndex(polys)
			ix.buildGrid()
			inside := 0
			for i, want := range postgisOwners(t, conn, len(pts)) {
				got, ok := ix.Lookup(pts[i])
				switch {
				case len(want) > 1:
					t.Logf("%v: on a boundary, PostGIS finds it in %v", pts[i], want)
				case len(want) == 0 && ok:
					t.Errorf("%v: Lookup %s, PostGIS none", pts[i], polys[got].ID)
				case len(want) == 1 && (!ok || got != want[0]):
					t.Errorf("%v: Lookup %d (%v), PostGIS %s", pts[i], got, ok, polys[want[0]].ID)
				}
				if ok {
					inside++
				}
			}
			if inside < len(pts)/2 {
				t.Errorf("only %d of %d points fell in a polygon", inside, len(pts))
			}
			t.Logf("%d points, %d in a polygon, all as PostGIS ST_Contains says", len(pts), inside)
		})
	}
}

// BenchmarkLookupVsPostGIS times, in one run, the ST_Contains join of
// 200,000 random points against the 10k grids in PostGIS (GiST index, one
// worker: parallel query off, so one core against one core; JIT off, as
// its compiling only adds time to this plan; the time includes sending
// the pairs to the client) and Lookup of the same points
// in Go, and reports both rates and their ratio.
func BenchmarkLookupVsPostGIS(b *testing.B) {
	grids := tenKGrids(b)
	conn := pgtest.Conn(b)
	pts := randomPoints(blocksBound(grids), 200000, 11)
	loadGridsAndPoints(b, conn, grids, pts)
	ctx := context.Background()
	for _, q := range []string{"SET max_parallel_workers_per_gather = 0", "SET jit = off"} {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	ix := intIndex(grids)
	ix.buildGrid()
	postgisOwners(b, conn, len(pts)) // warm the caches
	const goRounds = 5               // Go passes per PostGIS pass, for a steadier Go figure
	var pgTime, goTime, goCPU time.Duration
	pgPairs, goPairs := 0, 0
	for b.Loop() {
		t0 := time.Now()
		for _, o := range postgisOwners(b, conn, len(pts)) {
			pgPairs += len(o)
		}
		t1, cpu1 := time.Now(), cputime.Self()
		for range goRounds {
			for _, p := range pts {
				if _, ok := ix.Lookup(p); ok {
					goPairs++
				}
			}
		}
		pgTime += t1.Sub(t0)
		goTime += time.Since(t1)
		goCPU += cputime.Self() - cpu1
	}
	if goPairs != goRounds*pgPairs {
		b.Fatalf("Go found %d points in a grid, PostGIS %d", goPairs/goRounds, pgPairs/b.N)
	}
	pgRate := float64(b.N*len(pts)) / pgTime.Seconds()
	goRate := float64(goRounds*b.N*len(pts)) / goTime.Seconds()
	b.ReportMetric(pgRate, "postgis-points/s")
	reportRate(b, goRounds*b.N*len(pts), goTime, goCPU, "go-points")
	b.ReportMetric(goRate/pgRate, "go/postgis")
}
