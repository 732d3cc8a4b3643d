package data_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/coverage"
	"wangge/data"
	"wangge/data/pgtest"
	"wangge/data/storetest"
	"wangge/partition"
)

// pgOpen opens a PostGIS store on dsn, closed when the test ends.
func pgOpen(t testing.TB, dsn string) *data.PostGIS {
	t.Helper()
	s, err := data.OpenPostGIS(context.Background(), dsn)
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
			s, err := data.OpenPostGIS(context.Background(), dsn)
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

func TestPostGISTrackPartitions(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	s, db := pgOpen(t, dsn), pgConn(t, dsn)
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 8, 0, 0, 0, time.UTC) }
	fix := func(w string, tm time.Time) coverage.TrackPoint {
		return coverage.TrackPoint{Worker: coverage.WorkerID(w), Time: tm, Point: orb.Point{117.55, 34.86}}
	}
	// A fix of a month with no partition yet lands in the default
	// partition; the partition made later must take it over.
	if _, err := db.Exec(ctx, `INSERT INTO track_points VALUES ('w0', '2025-05-02T00:00:00Z',
		ST_SetSRID(ST_MakePoint(117.5, 34.8), 4326), 0, 0, 0, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	second := fix("w2", at(2026, time.January, 1))
	second.Accuracy = 99
	batch := []coverage.TrackPoint{
		fix("w1", at(2025, time.November, 30)),
		fix("w1", at(2025, time.December, 1)),
		fix("w2", at(2026, time.January, 1)),
		second, // same worker and instant: the first one is kept
		fix("w0", at(2025, time.May, 3)),
		fix("w3", at(1989, time.December, 31)), // before partitions begin
		fix("w3", time.Now().AddDate(0, 3, 0)), // a clock months ahead
	}
	steps := []struct {
		name  string
		store func() *data.PostGIS
		want  int
	}{
		{"first", func() *data.PostGIS { return s }, 6},
		{"again", func() *data.PostGIS { return s }, 0},
		{"again from a new store", func() *data.PostGIS { return pgOpen(t, dsn) }, 0},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			n, err := st.store().PutTrackPoints(ctx, batch)
			if err != nil {
				t.Fatal(err)
			}
			if n != st.want {
				t.Errorf("PutTrackPoints stored %d new fixes, want %d", n, st.want)
			}
		})
	}
	rows, err := db.Query(ctx, `SELECT c.relname, (SELECT count(*) FROM track_points p WHERE p.tableoid = c.oid)
		FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'track_points'::regclass ORDER BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		got[name] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	kept, err := s.TrackPoints(ctx, data.TrackQuery{Worker: "w2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 1 || kept[0].Accuracy != 0 {
		t.Errorf("w2's fixes %+v, want the first of the batch (accuracy 0)", kept)
	}
	want := map[string]int{"track_points_default": 2, "track_points_202511": 1, "track_points_202512": 1,
		"track_points_202601": 1, "track_points_202505": 2}
	if len(got) != len(want) {
		t.Errorf("partitions %v, want %v", got, want)
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("partition %s holds %d rows, want %d", name, got[name], n)
		}
	}
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
	const file = "../../shared/data/blocks/providence_blocks.geojson"
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

func TestPostGISChanges(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dsn := pgtest.DSN(t)
	writer, reader := pgOpen(t, dsn), pgOpen(t, dsn)
	elsewhere := pgOpen(t, pgtest.DSN(t)) // another schema of the same database
	lctx, stop := context.WithCancel(ctx)
	changes, err := reader.Changes(lctx)
	if err != nil {
		t.Fatal(err)
	}
	next := func(t *testing.T) string {
		t.Helper()
		select {
		case e, ok := <-changes:
			if !ok {
				t.Fatal("changes closed")
			}
			return e
		case <-time.After(5 * time.Second):
			t.Fatal("no change announced within 5 s")
		}
		return ""
	}
	plan := partition.Plan{ID: "p", Status: partition.PlanDraft, Created: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Grids: []partition.Grid{{ID: "g1", Kind: partition.Basic, Geometry: pgSquare(0, 0, 1)}}}
	steps := []struct {
		name  string
		write func() error
		want  []string
	}{
		{"blocks", func() error {
			return writer.PutBlocks(ctx, []partition.Block{{ID: "b1", Geometry: pgSquare(0, 0, 1)}})
		}, []string{"blocks"}},
		{"plan and grids", func() error { return writer.PutPlan(ctx, plan) }, []string{"plans", "grids"}},
		// Neither a rolled-back batch, nor incidents, nor a write to
		// another schema are announced: the next change seen is the
		// workers'.
		{"rolled back, then workers", func() error {
			if err := elsewhere.PutBlocks(ctx, []partition.Block{{ID: "b1", Geometry: pgSquare(0, 0, 1)}}); err != nil {
				return err
			}
			bad := []partition.Block{{ID: "b2", Geometry: pgSquare(0, 0, 1)}, {ID: "b3", Geometry: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}}}}
			if err := writer.PutBlocks(ctx, bad); err == nil {
				return errors.New("a block with an open ring was stored")
			}
			in := coverage.Incident{ID: "i1", Status: coverage.StatusReported, Reported: plan.Created, Location: orb.Point{1, 1}}
			if err := writer.PutIncidents(ctx, []coverage.Incident{in}); err != nil {
				return err
			}
			return writer.PutWorkers(ctx, []coverage.Worker{{ID: "w1", Role: coverage.RoleFullTime}})
		}, []string{"workers"}},
		{"delete block", func() error { return writer.DeleteBlock(ctx, "b1") }, []string{"blocks"}},
		{"delete plan", func() error { return writer.DeletePlan(ctx, "p") }, []string{"plans", "grids"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.write(); err != nil {
				t.Fatal(err)
			}
			for _, want := range st.want {
				if got := next(t); got != want {
					t.Errorf("change %q, want %q", got, want)
				}
			}
		})
	}
	stop()
	select {
	case e, ok := <-changes:
		if ok {
			t.Errorf("change %q after the listener was stopped", e)
		}
	case <-time.After(5 * time.Second):
		t.Error("changes not closed within 5 s of the end of its context")
	}
}

func TestPostGISChangesRelisten(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dsn := pgtest.DSN(t)
	app := "wangge-relisten-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	reader, writer, admin := pgOpen(t, u.String()), pgOpen(t, dsn), pgConn(t, dsn)
	changes, err := reader.Changes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Cut the listening connection from the server side.
	var n int
	err = admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND query = 'LISTEN `+data.ChangesChannel+`'`, app).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminated %d listening connections (%v), want 1", n, err)
	}
	for _, want := range []string{data.ChangedAll, "blocks"} {
		select {
		case got := <-changes:
			if got != want {
				t.Fatalf("change %q, want %q", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no change %q within 10 s", want)
		}
		if want == data.ChangedAll {
			if err := writer.PutBlocks(ctx, []partition.Block{{ID: "b1", Geometry: pgSquare(0, 0, 1)}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	reader.Close()
	if _, ok := <-changes; ok {
		t.Error("changes still open after the store was closed")
	}
}

// Several processes storing the same fixes at once, in months none of them
// has a partition for yet, store each fix once and fail on none.
func TestPostGISTrackConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	const writers, perMonth = 4, 50
	var batch []coverage.TrackPoint
	for m := time.January; m <= time.March; m++ {
		for i := range perMonth {
			batch = append(batch, coverage.TrackPoint{Worker: "w", Time: time.Date(2024, m, 1, 0, i, 0, 0, time.UTC),
				Point: orb.Point{117.55, 34.86}})
		}
	}
	stores := make([]*data.PostGIS, writers)
	for i := range stores {
		stores[i] = pgOpen(t, dsn)
	}
	added := make([]int, writers)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() { added[i], errs[i] = s.PutTrackPoints(ctx, batch) })
	}
	wg.Wait()
	total := 0
	for i := range stores {
		if errs[i] != nil {
			t.Errorf("writer %d: %v", i, errs[i])
		}
		total += added[i]
	}
	if total != len(batch) {
		t.Errorf("the writers stored %d new fixes in all, want %d", total, len(batch))
	}
	got, err := stores[0].TrackPoints(ctx, data.TrackQuery{Worker: "w"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(batch) {
		t.Errorf("%d fixes stored, want %d", len(got), len(batch))
	}
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
	stores := []*data.PostGIS{pgOpen(t, dsn), pgOpen(t, dsn)}
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
