package data_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage"
	"wangge/data"
	"wangge/data/pgtest"
)

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
