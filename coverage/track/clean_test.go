package track

import (
	"cmp"
	"compress/gzip"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/geo"
)

// Hand-built tracks near Beijing. One thousandth of a degree of latitude
// is about 111 m there (a degree of the meridian at 40°N is 111.0 km), so
// the distances below are far from every threshold they are tested on.
var cleanT0 = time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)

// fix is a fix of worker w at t0+sec seconds, dn and de thousandths of a
// degree north and east of (116.3, 39.9).
func fix(w patrol.WorkerID, sec int, dn, de float64) patrol.TrackPoint {
	return patrol.TrackPoint{Worker: w, Time: cleanT0.Add(time.Duration(sec) * time.Second),
		Point: orb.Point{116.3 + de/1000, 39.9 + dn/1000}}
}

// walk is n fixes of worker w every 10 s from t0, 0.1 thousandth (11 m)
// north each time: 1.1 m/s.
func walk(w patrol.WorkerID, n int) []patrol.TrackPoint {
	pts := make([]patrol.TrackPoint, n)
	for i := range pts {
		pts[i] = fix(w, 10*i, 0.1*float64(i), 0)
	}
	return pts
}

// with returns a copy of pts with p inserted at i.
func with(pts []patrol.TrackPoint, i int, p patrol.TrackPoint) []patrol.TrackPoint {
	return slices.Insert(slices.Clone(pts), i, p)
}

func TestClean(t *testing.T) {
	now := cleanT0.Add(time.Hour)
	inaccurate, fair := fix("a", 15, 0.15, 0), fix("a", 25, 0.25, 0)
	inaccurate.Accuracy, fair.Accuracy = 80, 50
	// A 60 m step in 1 s is 60 m/s, but with 10 m accuracy on both fixes
	// 50 m/s × 1 s + 20 m = 70 m is reachable.
	near1, near2 := fix("a", 100, 0, 0), fix("a", 101, 0.54, 0)
	near1.Accuracy, near2.Accuracy = 10, 10
	nan, north := fix("a", 5, 0, 0), fix("a", 30, 0, 0)
	nan.Point[0], north.Point[1] = math.NaN(), 95
	tests := []struct {
		name string
		in   []patrol.TrackPoint
		opts CleanOptions
		want CleanReport // Input and Kept are filled in from in and drop
		drop []int       // indexes into in of the dropped fixes
	}{
		{"clean walk", walk("a", 5), CleanOptions{Now: now}, CleanReport{}, nil},
		{"accuracy over 50 m", with(with(walk("a", 5), 2, inaccurate), 4, fair), CleanOptions{Now: now},
			CleanReport{Accuracy: 1}, []int{2}},
		{"accuracy check off", with(walk("a", 5), 2, inaccurate), CleanOptions{Now: now, MaxAccuracy: -1}, CleanReport{}, nil},
		{"exact duplicate", with(walk("a", 5), 3, fix("a", 20, 0.2, 0)), CleanOptions{Now: now},
			CleanReport{Duplicate: 1}, []int{3}},
		{"duplicate after a conflict", append(walk("a", 3), fix("a", 20, 0.3, 0), fix("a", 20, 0.2, 0)), CleanOptions{Now: now},
			CleanReport{Conflict: 1, Duplicate: 1}, []int{3, 4}},
		{"future beyond slack", append(walk("a", 3), fix("a", 3600+30, 0.3, 0), fix("a", 3600+120, 0.3, 0)), CleanOptions{Now: now},
			CleanReport{Future: 1}, []int{4}},
		{"zero now keeps the future", append(walk("a", 3), fix("a", 3600+120, 0.3, 0)), CleanOptions{}, CleanReport{}, nil},
		{"spike of 1.1 km", with(walk("a", 6), 3, fix("a", 25, 0.25, 10)), CleanOptions{Now: now},
			CleanReport{Jump: 1}, []int{3}},
		{"slow out-and-back is no spike", []patrol.TrackPoint{fix("a", 0, 0, 0), fix("a", 150, 0, 10), fix("a", 300, 0, 0.1)},
			CleanOptions{Now: now}, CleanReport{}, nil},
		{"speed: a run away at 110 m/s", append(walk("a", 3), fix("a", 30, 10, 0), fix("a", 40, 20, 0), fix("a", 600, 0.3, 0)),
			CleanOptions{Now: now}, CleanReport{Speed: 2}, []int{3, 4}},
		{"speed check off", append(walk("a", 3), fix("a", 30, 10, 0), fix("a", 40, 20, 0)),
			CleanOptions{Now: now, MaxSpeed: -1}, CleanReport{}, nil},
		{"speed within accuracy", []patrol.TrackPoint{near1, near2}, CleanOptions{Now: now}, CleanReport{}, nil},
		{"speed without accuracy", []patrol.TrackPoint{fix("a", 100, 0, 0), fix("a", 101, 0.54, 0)}, CleanOptions{Now: now},
			CleanReport{Speed: 1}, []int{1}},
		{"invalid", append(walk("a", 2), nan, north, patrol.TrackPoint{Worker: "a", Point: orb.Point{116.3, 39.9}}),
			CleanOptions{Now: now}, CleanReport{Invalid: 3}, []int{2, 3, 4}},
		{"workers apart, same times", append(walk("b", 3), walk("a", 3)...), CleanOptions{Now: now}, CleanReport{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.in)
			got, rep := Clean(in, tc.opts)
			if fmt.Sprint(in) != fmt.Sprint(tc.in) { // Sprint, as NaN != NaN
				t.Fatal("Clean modified its input")
			}
			want := tc.want
			want.Input, want.Kept = len(tc.in), len(tc.in)-len(tc.drop)
			if rep != want {
				t.Errorf("report %+v\nwant   %+v", rep, want)
			}
			var keep []patrol.TrackPoint
			for i, p := range tc.in {
				if !slices.Contains(tc.drop, i) {
					keep = append(keep, p)
				}
			}
			// Clean's documented order: by worker, then time.
			slices.SortStableFunc(keep, func(a, b patrol.TrackPoint) int {
				return cmp.Or(cmp.Compare(a.Worker, b.Worker), a.Time.Compare(b.Time))
			})
			if !slices.Equal(got, keep) {
				t.Errorf("kept %v\nwant %v", got, keep)
			}
		})
	}
}

// checkCleaned asserts what Clean promises on any input: every fix is
// counted once, times increase strictly per worker, and every kept step
// is reachable at the default maximum speed (the tracks have no accuracy).
func checkCleaned(t *testing.T, pts, got []patrol.TrackPoint, rep CleanReport) {
	t.Helper()
	sum := rep.Kept + rep.Invalid + rep.Future + rep.Accuracy + rep.Duplicate + rep.Conflict + rep.Jump + rep.Speed
	if rep.Input != len(pts) || rep.Kept != len(got) || sum != rep.Input {
		t.Fatalf("report %+v does not add up to %d fixes, %d kept", rep, len(pts), len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i].Worker != got[i-1].Worker {
			continue
		}
		dt := got[i].Time.Sub(got[i-1].Time).Seconds()
		if dt <= 0 {
			t.Fatalf("fix %d: time %v not after %v", i, got[i].Time, got[i-1].Time)
		}
		if d := geo.Distance(got[i-1].Point, got[i].Point); d > DefaultMaxSpeed*dt {
			t.Fatalf("fix %d: %.0f m in %.0f s kept", i, d, dt)
		}
	}
}

// TestCleanGeoLife cleans real GeoLife days, checks what Clean promises
// and that the future is cut exactly where Now puts it, and logs the
// counts.
func TestCleanGeoLife(t *testing.T) {
	files, _ := filepath.Glob(dataDir + "geolife_plt/*/Trajectory/*.plt")
	if len(files) == 0 {
		t.Skipf("no GeoLife PLT files under %sgeolife_plt", dataDir)
	}
	for _, path := range files {
		name, _ := filepath.Rel(dataDir, path)
		t.Run(name, func(t *testing.T) {
			pts, err := DecodePLT(openData(t, name), DecodeOptions{Worker: "geolife"})
			if err != nil {
				t.Fatal(err)
			}
			// Now is the time of the fix at 90% of the file.
			now := pts[len(pts)*9/10].Time
			future := 0
			for _, p := range pts {
				if p.Time.After(now.Add(DefaultFutureSlack)) {
					future++
				}
			}
			got, rep := Clean(pts, CleanOptions{Now: now})
			t.Logf("%s: %+v", name, rep)
			checkCleaned(t, pts, got, rep)
			if rep.Future != future {
				t.Errorf("future %d, want %d", rep.Future, future)
			}
		})
	}
}

// TestCleanSkmob cleans the 217,653 GeoLife points of the skmob sample
// (two users, five months) and logs the counts.
func TestCleanSkmob(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 217,653 points")
	}
	pts := skmobPoints(t)
	got, rep := Clean(pts, CleanOptions{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	t.Logf("skmob_geolife_sample: %+v", rep)
	checkCleaned(t, pts, got, rep)
}

// skmobPoints decodes the skmob GeoLife sample.
func skmobPoints(t testing.TB) []patrol.TrackPoint {
	t.Helper()
	zr, err := gzip.NewReader(openData(t, "skmob_geolife_sample.txt.gz"))
	if err != nil {
		t.Fatal(err)
	}
	pts, err := DecodeCSV(zr, skmobMapping, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return pts
}

// BenchmarkClean cleans the skmob GeoLife sample (217,653 points, two
// workers) and reports points per second.
func BenchmarkClean(b *testing.B) {
	pts := skmobPoints(b)
	opts := CleanOptions{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	for b.Loop() {
		Clean(pts, opts)
	}
	b.ReportMetric(float64(len(pts))*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

func ExampleClean() {
	t0 := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	at := func(sec int, lon, lat, acc float64) patrol.TrackPoint {
		return patrol.TrackPoint{Worker: "w1", Time: t0.Add(time.Duration(sec) * time.Second), Point: orb.Point{lon, lat}, Accuracy: acc}
	}
	pts := []patrol.TrackPoint{
		at(0, 116.3, 39.9, 8),
		at(10, 116.3, 39.9001, 8),
		at(10, 116.3, 39.9001, 8),   // the same fix twice
		at(20, 116.3, 39.9002, 120), // accuracy 120 m
		at(30, 116.31, 39.9002, 8),  // 850 m east and back: a spike
		at(40, 116.3, 39.9003, 8),
		at(48*3600, 116.3, 39.9, 8), // two days ahead of Now
	}
	kept, rep := Clean(pts, CleanOptions{Now: t0.Add(time.Hour)})
	fmt.Printf("kept %d of %d: duplicate %d, accuracy %d, jump %d, future %d\n",
		len(kept), rep.Input, rep.Duplicate, rep.Accuracy, rep.Jump, rep.Future)
	// Output: kept 3 of 7: duplicate 1, accuracy 1, jump 1, future 1
}
