package postgis_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/pgtest"
	"wangge/data/postgis"
	"wangge/data/storetest"
)

func TestPostGISTrackPartitions(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	s, db := pgOpen(t, dsn), pgConn(t, dsn)
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 8, 0, 0, 0, time.UTC) }
	fix := func(w string, tm time.Time) patrol.TrackPoint {
		return patrol.TrackPoint{Worker: patrol.WorkerID(w), Time: tm, Point: orb.Point{117.55, 34.86}}
	}
	// A fix of a month with no partition yet lands in the default
	// partition; the partition made later must take it over.
	if _, err := db.Exec(ctx, `INSERT INTO track_points VALUES ('w0', '2025-05-02T00:00:00Z',
		ST_SetSRID(ST_MakePoint(117.5, 34.8), 4326), 0, 0, 0, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	second := fix("w2", at(2026, time.January, 1))
	second.Accuracy = 99
	batch := []patrol.TrackPoint{
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
		store func() *postgis.Store
		want  int
	}{
		{"first", func() *postgis.Store { return s }, 6},
		{"again", func() *postgis.Store { return s }, 0},
		{"again from a new store", func() *postgis.Store { return pgOpen(t, dsn) }, 0},
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

// A bbox query of track points over a time window, as a grid's coverage
// asks without a worker, is answered through the spatial index and finds
// the fixes a plain filter of the input finds.
func TestPostGISTrackBBoxIndex(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	s, db := pgOpen(t, dsn), pgConn(t, dsn)
	var fixes []patrol.TrackPoint
	for w := range 4 {
		fixes = append(fixes, storetest.Fixes(patrol.WorkerID(fmt.Sprintf("w%d", w)), 20000*w, 5000)...)
	}
	if _, err := s.PutTrackPoints(ctx, fixes); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, "ANALYZE track_points"); err != nil {
		t.Fatal(err)
	}
	box := orb.Bound{Min: orb.Point{117.3001, 34.800003}, Max: orb.Point{117.3003, 34.800005}} // w2, 201 fixes
	from, to := fixes[0].Time, fixes[len(fixes)-1].Time
	want := 0
	for _, p := range fixes {
		if box.Contains(p.Point) && !p.Time.Before(from) && p.Time.Before(to) {
			want++
		}
	}
	got, err := s.TrackPoints(ctx, data.TrackQuery{From: from, To: to, BBox: &box})
	if err != nil {
		t.Fatal(err)
	}
	if want == 0 || len(got) != want {
		t.Errorf("bbox query found %d fixes, a filter of the input %d", len(got), want)
	}
	var plan strings.Builder
	rows, err := db.Query(ctx, `EXPLAIN SELECT worker, t FROM track_points WHERE t >= $1 AND t < $2
		AND ST_Intersects(geom, ST_MakeEnvelope($3, $4, $5, $6, 4326))`, from, to, box.Min[0], box.Min[1], box.Max[0], box.Max[1])
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`Index Cond: \(geom && `).MatchString(plan.String()) {
		t.Errorf("the bbox query does not use the spatial index:\n%s", plan.String())
	}
}

// Several processes storing the same fixes at once, in months none of them
// has a partition for yet, store each fix once and fail on none.
func TestPostGISTrackConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	const writers, perMonth = 4, 50
	var batch []patrol.TrackPoint
	for m := time.January; m <= time.March; m++ {
		for i := range perMonth {
			batch = append(batch, patrol.TrackPoint{Worker: "w", Time: time.Date(2024, m, 1, 0, i, 0, 0, time.UTC),
				Point: orb.Point{117.55, 34.86}})
		}
	}
	stores := make([]*postgis.Store, writers)
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

// TestPostGISConcurrentOpen starts eight processes at once on a fresh
// schema: each opens a store, so creating the schema, and puts fixes of
// several months, so creating their partitions. None fails (schema
// creation and partitions once deadlocked, 40P01), and every fix is
// stored.
func TestPostGISConcurrentOpen(t *testing.T) {
	ctx := context.Background()
	const stores, months, perMonth = 8, 3, 50
	for round := range 3 {
		dsn := pgtest.DSN(t)
		var wg sync.WaitGroup
		errs := make([]error, stores)
		start := make(chan struct{})
		for i := range stores {
			wg.Go(func() {
				<-start
				s, err := postgis.Open(ctx, dsn)
				if err != nil {
					errs[i] = err
					return
				}
				defer s.Close()
				var batch []patrol.TrackPoint
				for m := range months {
					t0 := time.Date(2026, time.Month(1+m), 2, 0, 0, 0, 0, time.UTC)
					for k := range perMonth {
						batch = append(batch, patrol.TrackPoint{Worker: patrol.WorkerID(fmt.Sprintf("w%d", i)),
							Time: t0.Add(time.Duration(k) * time.Minute), Point: orb.Point{117.55, 34.86}})
					}
				}
				_, errs[i] = s.PutTrackPoints(ctx, batch)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, process %d: %v", round, i, err)
			}
		}
		got, err := pgOpen(t, dsn).TrackPoints(ctx, data.TrackQuery{})
		if err != nil || len(got) != stores*months*perMonth {
			t.Fatalf("round %d: %d fixes stored (%v), want %d", round, len(got), err, stores*months*perMonth)
		}
	}
}
