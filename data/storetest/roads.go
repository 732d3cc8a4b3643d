package storetest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"

	"wangge/data"
	"wangge/partition"
)

// sampleRoads are roads on a 4×4 lattice 0.2° apart: each a bent line of
// three points, and every other one with a second, separate part, so that
// boxes cut through lines rather than around whole envelopes.
func sampleRoads() []partition.Road {
	classes := []string{"primary", "residential", "footway", "service"}
	var roads []partition.Road
	for i := range 4 {
		for j := range 4 {
			x, y := 120+0.2*float64(i), 30+0.2*float64(j)
			g := orb.MultiLineString{{{x, y}, {x + 0.1, y + 0.05}, {x + 0.15, y + 0.12}}}
			if (i+j)%2 == 0 {
				g = append(g, orb.LineString{{x + 0.02, y + 0.15}, {x - 0.03, y + 0.18}})
			}
			roads = append(roads, partition.Road{
				ID: partition.RoadID(fmt.Sprintf("r%d%d", i, j)), Class: classes[(i+j)%4],
				Name: fmt.Sprintf("路 %d-%d", i, j), Geometry: g,
			})
		}
	}
	return roads
}

func roadCRUD(e *env, items []partition.Road) crud[partition.Road, partition.RoadID] {
	return crud[partition.Road, partition.RoadID]{
		kind: "road", items: items,
		id:  func(r partition.Road) partition.RoadID { return r.ID },
		put: e.s.PutRoads, get: e.s.Road, del: e.s.DeleteRoad,
		list: func(ctx context.Context) ([]partition.Road, error) { return e.s.Roads(ctx, data.BBoxQuery{}) },
		change: func(r partition.Road) partition.Road {
			r.Class, r.Name = "trunk", "renamed"
			r.Geometry = orb.MultiLineString{{{-71.5, 41.8}, {-71.49, 41.81}}}
			return r
		},
		geom:  func(r partition.Road) orb.Geometry { return r.Geometry },
		strip: func(r partition.Road) partition.Road { r.Geometry = nil; return r },
	}
}

func testRoads(e *env) {
	roadCRUD(e, sampleRoads()).run(e)
}

func roadIDs(rs []partition.Road) []partition.RoadID {
	ids := make([]partition.RoadID, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

// diagonal is a road whose envelope covers the box beside it while the
// line does not: a bbox query must test the line, not its envelope.
var (
	diagonal     = partition.Road{ID: "diag", Class: "primary", Geometry: orb.MultiLineString{{{10, 10}, {12, 12}}}}
	besideDiag   = orb.Bound{Min: orb.Point{11.5, 10}, Max: orb.Point{11.9, 10.4}}
	acrossDiag   = orb.Bound{Min: orb.Point{10.9, 10.5}, Max: orb.Point{11.1, 11.5}}
	diagonalOnly = []partition.RoadID{"diag"}
)

func testRoadsBBox(e *env) {
	t := e.t
	roads := sampleRoads()
	must(t, "put roads", e.s.PutRoads(e.ctx, append(slices.Clone(roads), diagonal)))
	cases := []boxCase{
		{"middle", orb.Bound{Min: orb.Point{120.12, 30.07}, Max: orb.Point{120.43, 30.38}}},
		{"thin column", orb.Bound{Min: orb.Point{120.26, 29.9}, Max: orb.Point{120.27, 31}}},
		{"thin row", orb.Bound{Min: orb.Point{119.9, 30.23}, Max: orb.Point{121, 30.235}}},
		{"second parts only", orb.Bound{Min: orb.Point{119.96, 30.17}, Max: orb.Point{119.975, 30.19}}},
		{"everything", orb.Bound{Min: orb.Point{119, 29}, Max: orb.Point{121, 31}}},
	}
	// The referee is orb's line clipping: a road meets the box when its
	// clip against the box keeps some part of it.
	checkBoxes(t, "road", cases, roads, func(r partition.Road) partition.RoadID { return r.ID },
		func(box orb.Bound, r partition.Road) bool { return len(clip.MultiLineString(box, r.Geometry)) > 0 },
		func(box orb.Bound) ([]partition.Road, error) { return e.s.Roads(e.ctx, data.BBoxQuery{BBox: &box}) })
	got, err := e.s.Roads(e.ctx, data.BBoxQuery{BBox: &besideDiag})
	must(t, "beside the diagonal", err)
	if len(got) != 0 {
		t.Fatalf("a box beside a diagonal road, inside its envelope, returned %v", roadIDs(got))
	}
	got, err = e.s.Roads(e.ctx, data.BBoxQuery{BBox: &acrossDiag, Limit: 5})
	must(t, "across the diagonal", err)
	if ids := roadIDs(got); !slices.Equal(ids, diagonalOnly) {
		t.Fatalf("a box across the diagonal road returned %v, want %v", ids, diagonalOnly)
	}
}

func testRoadsAtomicBatch(e *env) {
	t := e.t
	roads := sampleRoads()
	must(t, "put roads", e.s.PutRoads(e.ctx, roads[:4]))
	changed := roads[0]
	changed.Name = "must not be stored"
	onePoint := roads[5]
	onePoint.Geometry = orb.MultiLineString{roads[5].Geometry[0], {{120, 30}}}
	noGeometry := roads[6]
	noGeometry.Geometry = nil
	notANumber := roads[7]
	notANumber.Geometry = orb.MultiLineString{{{120, 30}, {math.NaN(), 30.1}}}
	offTheGlobe := roads[8]
	offTheGlobe.Geometry = orb.MultiLineString{{{120, 30}, {120.1, 95}}}
	infinite := roads[9]
	infinite.Geometry = orb.MultiLineString{{{math.Inf(1), 30}, {120.1, 30}}}
	noID := roads[10]
	noID.ID = ""
	cases := []struct {
		name  string
		batch []partition.Road
		index int
	}{
		{"line of one point", []partition.Road{changed, roads[4], onePoint}, 2},
		{"no geometry", []partition.Road{roads[4], noGeometry, changed}, 1},
		{"NaN coordinate", []partition.Road{notANumber, roads[4]}, 0},
		{"latitude out of range", []partition.Road{changed, roads[4], roads[11], offTheGlobe}, 3},
		{"infinite coordinate", []partition.Road{roads[4], infinite}, 1},
		{"no id", []partition.Road{changed, noID}, 1},
	}
	for _, tc := range cases {
		mustRejected(t, tc.name, e.s.PutRoads(e.ctx, tc.batch), tc.index)
	}
	got, err := e.s.Roads(e.ctx, data.BBoxQuery{})
	must(t, "roads after refused batches", err)
	c := roadCRUD(e, roads[:4])
	if len(got) != 4 {
		t.Fatalf("%d roads after refused batches, want the 4 stored before", len(got))
	}
	for i, r := range c.sorted() {
		c.same(t, "road after refused batches", r, got[i])
	}
}

func testRoadsReopen(e *env) {
	t := e.t
	roads := sampleRoads()
	must(t, "put roads", e.s.PutRoads(e.ctx, roads))
	e.cycle()
	got, err := e.s.Roads(e.ctx, data.BBoxQuery{})
	must(t, "roads after reopen", err)
	c := roadCRUD(e, roads)
	if len(got) != len(roads) {
		t.Fatalf("%d roads after reopen, want %d", len(got), len(roads))
	}
	for i, r := range c.sorted() {
		c.same(t, "road after reopen", r, got[i])
	}
	box := orb.Bound{Min: orb.Point{120.12, 30.07}, Max: orb.Point{120.43, 30.38}}
	inBox, err := e.s.Roads(e.ctx, data.BBoxQuery{BBox: &box})
	must(t, "roads in a box after reopen", err)
	if len(inBox) == 0 || len(inBox) == len(roads) {
		t.Fatalf("after reopen the spatial index gave %d of %d roads for a box meeting some", len(inBox), len(roads))
	}
}

// boxCase is a bbox query; "everything" may select every item.
type boxCase struct {
	name string
	box  orb.Bound
}

// checkBoxes runs query on each box and compares the ids it returns, in
// order, with those of the items the referee meets says touch the box.
// Every box but "everything" must select a proper subset of items.
func checkBoxes[T any, ID ~string](t *testing.T, kind string, cases []boxCase, items []T, id func(T) ID,
	meets func(orb.Bound, T) bool, query func(orb.Bound) ([]T, error)) {
	t.Helper()
	for _, tc := range cases {
		var want []ID
		for _, it := range items {
			if meets(tc.box, it) {
				want = append(want, id(it))
			}
		}
		if tc.name != "everything" && (len(want) == 0 || len(want) == len(items)) {
			t.Fatalf("%s: the box meets %d of %d %ss; the test needs a proper subset", tc.name, len(want), len(items), kind)
		}
		got, err := query(tc.box)
		must(t, tc.name, err)
		ids := make([]ID, len(got))
		for i, it := range got {
			ids[i] = id(it)
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("%s: %ss %v, want %v", tc.name, kind, ids, want)
		}
	}
}
