package postgis_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/data"
	"wangge/data/pgtest"
	"wangge/data/postgis"
	"wangge/data/storetest"
	"wangge/partition"
)

// pgOpen opens a PostGIS store on dsn, closed when the test ends.
func pgOpen(t testing.TB, dsn string) *postgis.Store {
	t.Helper()
	s, err := postgis.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// pgConn connects to dsn beside the store, to ask PostGIS itself.
func pgConn(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestPostGISConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (data.Store, func() data.Store) {
		dsn := pgtest.DSN(t)
		open := func() data.Store {
			s, err := postgis.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		return open(), open
	})
}

// pgSquare is a closed counter-clockwise square with its south-west corner
// at (lon, lat).
func pgSquare(lon, lat, side float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{lon, lat}, {lon + side, lat}, {lon + side, lat + side}, {lon, lat + side}, {lon, lat}}}}
}
func TestPostGISBatchIsAtomic(t *testing.T) {
	ctx := context.Background()
	s := pgOpen(t, pgtest.DSN(t))
	// The third ring is not closed: it passes the shared checks but
	// PostGIS refuses it, inside the transaction.
	open := orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}
	blocks := []partition.Block{
		{ID: "a", Geometry: pgSquare(0, 0, 1)},
		{ID: "b", Geometry: pgSquare(1, 0, 1)},
		{ID: "c", Geometry: open},
	}
	err := s.PutBlocks(ctx, blocks)
	var ie *data.ItemError
	if !errors.As(err, &ie) || ie.Index != 2 || ie.ID != "c" {
		t.Fatalf("PutBlocks error %v, want an ItemError naming block 2 (c)", err)
	}
	got, err := s.Blocks(ctx, data.BlockQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("%d blocks stored after a failed batch, want 0", len(got))
	}
}

func TestPostGISGeometryValid(t *testing.T) {
	const file = "../../../shared/data/blocks/providence_blocks.geojson"
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Skipf("needs %s: %v", file, err)
	}
	// The geometries are kept as the file's text, for PostGIS to parse.
	var fc struct {
		Features []struct {
			Properties struct {
				ID string `json:"id"`
			} `json:"properties"`
			Geometry json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	s, db := pgOpen(t, dsn), pgConn(t, dsn)
	blocks := make([]partition.Block, len(fc.Features))
	srcJSON := make([]string, len(fc.Features))
	for i, f := range fc.Features {
		g, err := geojson.UnmarshalGeometry(f.Geometry)
		if err != nil {
			t.Fatalf("%s: block %s: %v", file, f.Properties.ID, err)
		}
		mp, ok := g.Geometry().(orb.MultiPolygon)
		if p, isPolygon := g.Geometry().(orb.Polygon); isPolygon {
			mp, ok = orb.MultiPolygon{p}, true
		}
		if !ok {
			t.Fatalf("%s: block %s: geometry %s", file, f.Properties.ID, g.Type)
		}
		blocks[i] = partition.Block{ID: partition.BlockID(f.Properties.ID), Geometry: mp}
		srcJSON[i] = string(f.Geometry)
	}
	if err := s.PutBlocks(ctx, blocks); err != nil {
		t.Fatal(err)
	}
	// PostGIS parses the source GeoJSON itself: the referee for what the
	// store wrote through WKB.
	if _, err := db.Exec(ctx, `CREATE TABLE src AS
		SELECT id COLLATE "C" AS id, ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326) AS geom
		FROM unnest($1::text[], $2::text[]) AS u(id, gj)`, pgBlockIDs(blocks), srcJSON); err != nil {
		t.Fatal(err)
	}
	var n, valid, srid, multi, same, srcValid int
	err = db.QueryRow(ctx, `SELECT count(*),
			count(*) FILTER (WHERE ST_IsValid(b.geom)),
			count(*) FILTER (WHERE ST_SRID(b.geom) = 4326),
			count(*) FILTER (WHERE GeometryType(b.geom) = 'MULTIPOLYGON'),
			count(*) FILTER (WHERE ST_OrderingEquals(b.geom, ST_Multi(src.geom))),
			count(*) FILTER (WHERE ST_IsValid(src.geom))
		FROM blocks b JOIN src USING (id)`).Scan(&n, &valid, &srid, &multi, &same, &srcValid)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(blocks) {
		t.Fatalf("%d of %d blocks stored", n, len(blocks))
	}
	checks := []struct {
		name string
		got  int
		want int
	}{
		{"ST_IsValid as valid as the source", valid, srcValid},
		{"SRID 4326", srid, n},
		{"typed MultiPolygon", multi, n},
		{"same vertices as the source", same, n},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %d blocks, want %d", c.name, c.got, c.want)
		}
	}
	if srcValid != n {
		t.Logf("%d of %d source blocks are not valid for PostGIS", n-srcValid, n)
	}
}

func pgBlockIDs(blocks []partition.Block) []string {
	ids := make([]string, len(blocks))
	for i, b := range blocks {
		ids[i] = string(b.ID)
	}
	return ids
}

// Two processes upserting the same blocks in opposite orders at once do
// not deadlock: rows are written in id order.
func TestPostGISConcurrentUpserts(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	var up []partition.Block
	for i := range 200 {
		up = append(up, partition.Block{ID: partition.BlockID(fmt.Sprintf("b%03d", i)), Geometry: pgSquare(float64(i%100), float64(i/100), 1)})
	}
	down := slices.Clone(up)
	slices.Reverse(down)
	stores := []*postgis.Store{pgOpen(t, dsn), pgOpen(t, dsn)}
	for round := range 5 {
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, blocks := range [][]partition.Block{up, down} {
			wg.Go(func() { errs[i] = stores[i].PutBlocks(ctx, blocks) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d, writer %d: %v", round, i, err)
			}
		}
	}
}
