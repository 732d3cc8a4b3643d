package gpkg_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/data"
)

// hourEdgeFixes are two workers' fixes on both sides of hour boundaries,
// before 1970 (where integer division truncates towards zero, upwards),
// at 1970 and in 2024.
func hourEdgeFixes() []patrol.TrackPoint {
	var pts []patrol.TrackPoint
	for _, hour := range []int64{-2, -1, 0, 1, 475_000} {
		for _, off := range []time.Duration{-time.Microsecond, 0, time.Microsecond, 30 * time.Minute} {
			at := time.UnixMicro(hour * int64(time.Hour/time.Microsecond)).Add(off).UTC()
			for _, w := range []patrol.WorkerID{"w1", "w2"} {
				pts = append(pts, patrol.TrackPoint{Worker: w, Time: at, Point: orb.Point{117.3, 34.8}})
			}
		}
	}
	return pts
}

// fixKeys are the fixes' worker@time keys, sorted.
func fixKeys(pts []patrol.TrackPoint) []string {
	keys := make([]string, len(pts))
	for i, p := range pts {
		keys[i] = string(p.Worker) + "@" + p.Time.UTC().Format(time.RFC3339Nano)
	}
	slices.Sort(keys)
	return keys
}

// TestGeoPackageTrackWindows asks for every window between the edge fixes'
// times, a microsecond either side included, with and without a worker,
// and compares with the fixes picked in Go: the hour conditions that
// steer the planner to the hour index must drop no fix of the window.
func TestGeoPackageTrackWindows(t *testing.T) {
	ctx := context.Background()
	g := openGeoPackage(t, filepath.Join(t.TempDir(), "windows.gpkg"))
	defer g.Close()
	pts := hourEdgeFixes()
	if n, err := g.PutTrackPoints(ctx, pts); err != nil || n != len(pts) {
		t.Fatalf("PutTrackPoints: %d new of %d, %v", n, len(pts), err)
	}
	var bounds []time.Time
	for _, p := range pts {
		bounds = append(bounds, p.Time.Add(-time.Microsecond), p.Time, p.Time.Add(time.Microsecond))
	}
	for _, worker := range []patrol.WorkerID{"", "w2"} {
		for _, from := range bounds {
			for _, to := range bounds {
				var want []patrol.TrackPoint
				for _, p := range pts {
					if (worker == "" || p.Worker == worker) && !p.Time.Before(from) && p.Time.Before(to) {
						want = append(want, p)
					}
				}
				got, err := g.TrackPoints(ctx, data.TrackQuery{Worker: worker, From: from, To: to})
				if err != nil {
					t.Fatalf("TrackPoints %q [%v, %v): %v", worker, from, to, err)
				}
				if !slices.Equal(fixKeys(got), fixKeys(want)) {
					t.Fatalf("TrackPoints %q [%v, %v): got %v, want %v", worker, from, to, fixKeys(got), fixKeys(want))
				}
			}
		}
	}
}

// TestGeoPackageDropsTimeIndex opens a file of an earlier release, whose
// track points had an index on t, and checks that the index is replaced
// by the one on the hour.
func TestGeoPackageDropsTimeIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.gpkg")
	if err := openGeoPackage(t, path).Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec("DROP INDEX track_points_hour; CREATE INDEX track_points_t ON track_points(t)")
	if cerr := db.Close(); err != nil || cerr != nil {
		t.Fatalf("make an older file: %v, %v", err, cerr)
	}
	if err := openGeoPackage(t, path).Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := rawDB(t, path).Query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'track_points' AND sql NOT NULL ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"track_points_hour"}; !slices.Equal(names, want) {
		t.Errorf("track point indexes: %v, want %v", names, want)
	}
}
