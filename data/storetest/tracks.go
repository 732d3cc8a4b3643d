package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/data"
)

// trackT0 has a microsecond fraction: stores keep times to the microsecond.
var trackT0 = time.Date(2026, 3, 2, 0, 30, 0, 123456000, time.UTC)

// fixesOf is n fixes of a worker, one every 5 s, walking north-east.
func fixesOf(worker patrol.WorkerID, n int, lon float64) []patrol.TrackPoint {
	pts := make([]patrol.TrackPoint, n)
	for i := range pts {
		pts[i] = patrol.TrackPoint{
			Worker: worker, Time: trackT0.Add(time.Duration(i) * 5 * time.Second),
			Point:    orb.Point{lon + 1e-4*float64(i), 34.8 + 1e-4*float64(i)},
			Accuracy: 4.5, Speed: 1.25, Bearing: 45, Altitude: 60.5, Battery: float64(100 - i%100),
		}
	}
	return pts
}

// sameTrack fails unless got equals want exactly (times as instants).
func sameTrack(e *env, what string, want, got []patrol.TrackPoint) {
	e.t.Helper()
	if len(got) != len(want) {
		e.t.Fatalf("%s: %d fixes, want %d", what, len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if !g.Time.Equal(w.Time) {
			e.t.Fatalf("%s: fix %d at %v, want %v", what, i, g.Time, w.Time)
		}
		SameGeometry(e.t, fmt.Sprintf("%s: fix %d", what, i), w.Point, g.Point)
		w.Time, g.Time, w.Point, g.Point = time.Time{}, time.Time{}, orb.Point{}, orb.Point{}
		if !reflect.DeepEqual(w, g) {
			e.t.Fatalf("%s: fix %d is %+v, want %+v", what, i, g, w)
		}
	}
}

func testTrackPoints(e *env) {
	t := e.t
	a, b := fixesOf("wa", 120, 117.30), fixesOf("wb", 80, 117.31)
	// Put them interleaved and out of order; they come back by worker, time.
	var mixed []patrol.TrackPoint
	for i := range 120 {
		mixed = append(mixed, a[119-i])
		if i < 80 {
			mixed = append(mixed, b[i])
		}
	}
	n, err := e.s.PutTrackPoints(e.ctx, mixed)
	must(t, "put fixes", err)
	if n != 200 {
		t.Fatalf("put 200 new fixes: %d new", n)
	}
	all, err := e.s.TrackPoints(e.ctx, data.TrackQuery{})
	must(t, "all fixes", err)
	sameTrack(e, "all fixes", append(slices.Clone(a), b...), all)

	one, err := e.s.TrackPoints(e.ctx, data.TrackQuery{Worker: "wb"})
	must(t, "fixes of wb", err)
	sameTrack(e, "fixes of wb", b, one)

	limited, err := e.s.TrackPoints(e.ctx, data.TrackQuery{Worker: "wa", Limit: 10})
	must(t, "first 10 fixes of wa", err)
	sameTrack(e, "first 10 fixes of wa", a[:10], limited)

	// Fix i of wa is at (117.30 + i·1e-4, 34.8 + i·1e-4); the box holds i = 20..29.
	q := orb.Bound{Min: orb.Point{117.30195, 34.80195}, Max: orb.Point{117.30295, 34.80295}}
	inBox, err := e.s.TrackPoints(e.ctx, data.TrackQuery{BBox: &q})
	must(t, "fixes in box", err)
	sameTrack(e, "fixes in box", a[20:30], inBox)

	n, err = e.s.DeleteTrackPoints(e.ctx, data.TrackQuery{Worker: "wa", From: a[100].Time, To: a[110].Time})
	must(t, "delete a window", err)
	if n != 10 {
		t.Fatalf("deleted %d fixes, want 10", n)
	}
	left, err := e.s.TrackPoints(e.ctx, data.TrackQuery{Worker: "wa"})
	must(t, "fixes of wa after delete", err)
	sameTrack(e, "fixes of wa after delete", append(slices.Clone(a[:100]), a[110:]...), left)
	if rest, _ := e.s.TrackPoints(e.ctx, data.TrackQuery{Worker: "wb"}); len(rest) != 80 {
		t.Fatalf("deleting wa's fixes left %d of wb's 80", len(rest))
	}
}

func testTrackWindows(e *env) {
	t := e.t
	a, b := fixesOf("wa", 60, 117.30), fixesOf("wb", 60, 117.31)
	_, err := e.s.PutTrackPoints(e.ctx, append(slices.Clone(a), b...))
	must(t, "put fixes", err)
	cases := []struct {
		name string
		q    data.TrackQuery
		want []patrol.TrackPoint
	}{
		{"from is inclusive, to exclusive", data.TrackQuery{Worker: "wa", From: a[10].Time, To: a[20].Time}, a[10:20]},
		{"a microsecond either side", data.TrackQuery{Worker: "wa", From: a[10].Time.Add(time.Microsecond), To: a[20].Time.Add(time.Microsecond)}, a[11:21]},
		{"from only", data.TrackQuery{Worker: "wb", From: b[55].Time}, b[55:]},
		{"to only", data.TrackQuery{Worker: "wb", To: b[3].Time}, b[:3]},
		{"both workers", data.TrackQuery{From: a[58].Time, To: a[59].Time.Add(time.Second)}, []patrol.TrackPoint{a[58], a[59], b[58], b[59]}},
		{"other time zone", data.TrackQuery{Worker: "wa", From: a[5].Time.In(time.FixedZone("CST", 8*3600)), To: a[7].Time.In(time.FixedZone("EST", -5*3600))}, a[5:7]},
		{"empty window", data.TrackQuery{Worker: "wa", From: a[5].Time, To: a[5].Time}, nil},
		{"unknown worker", data.TrackQuery{Worker: "nobody"}, nil},
	}
	for _, tc := range cases {
		got, err := e.s.TrackPoints(e.ctx, tc.q)
		must(t, tc.name, err)
		sameTrack(e, tc.name, tc.want, got)
	}
}

func testTrackIdempotent(e *env) {
	t := e.t
	a := fixesOf("wa", 50, 117.30)
	n, err := e.s.PutTrackPoints(e.ctx, a[:30])
	must(t, "first put", err)
	if n != 30 {
		t.Fatalf("first put: %d new, want 30", n)
	}
	n, err = e.s.PutTrackPoints(e.ctx, a[:30])
	must(t, "same put again", err)
	if n != 0 {
		t.Fatalf("same fixes again: %d new, want 0", n)
	}
	// Overlapping batch with other values for the stored instants: only
	// the 20 new instants count, and stored fixes keep their values.
	again := slices.Clone(a[20:])
	for i := range again {
		again[i].Speed, again[i].Point = 9, orb.Point{1, 2}
	}
	n, err = e.s.PutTrackPoints(e.ctx, again)
	must(t, "overlapping put", err)
	if n != 20 {
		t.Fatalf("overlapping put: %d new, want 20", n)
	}
	want := append(slices.Clone(a[:30]), again[10:]...)
	got, err := e.s.TrackPoints(e.ctx, data.TrackQuery{Worker: "wa"})
	must(t, "read back", err)
	sameTrack(e, "after overlapping puts", want, got)
	// The same instant given twice in one batch is one fix.
	dup := fixesOf("wd", 1, 0)
	n, err = e.s.PutTrackPoints(e.ctx, append(dup, dup[0]))
	must(t, "batch with a repeated fix", err)
	if n != 1 {
		t.Fatalf("a batch repeating one fix: %d new, want 1", n)
	}
}

// Fixes are n fixes of a worker, one a second from start seconds on (from
// 2026-03-01 UTC), on a lattice of 1e-6° steps: the batches of the stores'
// crash and ingest tests and benchmarks.
func Fixes(worker patrol.WorkerID, start, n int) []patrol.TrackPoint {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	pts := make([]patrol.TrackPoint, n)
	for i := range pts {
		k := start + i
		pts[i] = patrol.TrackPoint{Worker: worker, Time: t0.Add(time.Duration(k) * time.Second),
			Point: orb.Point{117.3 + 1e-6*float64(k%10000), 34.8 + 1e-6*float64(k/10000)}, Accuracy: 5, Speed: 1.2, Battery: 80}
	}
	return pts
}
