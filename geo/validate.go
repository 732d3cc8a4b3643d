package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Validate checks a Polygon or MultiPolygon in WGS-84 and returns nil or an
// *InvalidError naming the polygon, ring and vertex, wrapping ErrNotPolygon,
// ErrTooFewPoints, ErrBadCoordinate, ErrUnclosedRing, ErrSelfIntersection,
// ErrHoleOutside or ErrNestedHole. Repeated consecutive points are allowed
// (as in PostGIS); a ring that crosses itself, or comes back to touch
// itself at a vertex other than the closing one, is not, nor are two rings
// of one polygon that cross or share a stretch of boundary (they may touch
// at a point). Whether the parts of a MultiPolygon overlap is not checked.
// Checking rings of n vertices in all takes O(n log n) time for rings of
// well-spread segments (segments are found through an R-tree).
func Validate(g orb.Geometry) error {
	switch g := g.(type) {
	case orb.Polygon:
		return validatePolygon(0, g)
	case orb.MultiPolygon:
		if len(g) == 0 {
			return &InvalidError{Polygon: -1, Ring: -1, Vertex: -1, Reason: ErrTooFewPoints}
		}
		for i, p := range g {
			if err := validatePolygon(i, p); err != nil {
				return err
			}
		}
		return nil
	}
	return &InvalidError{Polygon: -1, Ring: -1, Vertex: -1, Reason: ErrNotPolygon}
}

func validatePolygon(pi int, p orb.Polygon) error {
	if len(p) == 0 {
		return &InvalidError{Polygon: pi, Ring: -1, Vertex: -1, Reason: ErrTooFewPoints}
	}
	for ri, r := range p {
		if v, reason := checkRing(r); reason != nil {
			return &InvalidError{Polygon: pi, Ring: ri, Vertex: v, Reason: reason}
		}
	}
	if ri, v, reason := checkRings(p); reason != nil {
		return &InvalidError{Polygon: pi, Ring: ri, Vertex: v, Reason: reason}
	}
	return nil
}

// checkRing returns the first problem with a ring and the vertex where it
// is (-1 for the ring as a whole).
func checkRing(r orb.Ring) (int, error) {
	for i, pt := range r {
		if !goodCoordinate(pt) {
			return i, fmt.Errorf("%w: [%g, %g] is not a longitude in [-180, 180] and a latitude in [-90, 90]", ErrBadCoordinate, pt[0], pt[1])
		}
	}
	if len(r) < 4 {
		return -1, ErrTooFewPoints
	}
	if r[0] != r[len(r)-1] {
		return len(r) - 1, ErrUnclosedRing
	}
	// Drop repeated consecutive points, remembering original indexes.
	pts := make([]orb.Point, 0, len(r))
	idx := make([]int, 0, len(r))
	for i, pt := range r {
		if i > 0 && pt == r[i-1] {
			continue
		}
		pts = append(pts, pt)
		idx = append(idx, i)
	}
	if len(pts) < 4 {
		return -1, ErrTooFewPoints
	}
	if v, ok := selfIntersection(pts); ok {
		return idx[v], ErrSelfIntersection
	}
	return -1, nil
}

func goodCoordinate(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) &&
		p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90
}

// bruteForceSegments is the ring size below which every pair of segments is
// compared directly; above it an R-tree of segment bounds finds candidates.
const bruteForceSegments = 48

// selfIntersection reports whether a closed ring without repeated
// consecutive points meets itself, and a vertex where it does.
func selfIntersection(pts []orb.Point) (int, bool) {
	if len(pts)-1 < bruteForceSegments {
		return selfIntersectionPairs(pts)
	}
	return selfIntersectionTree(pts)
}

// selfIntersectionPairs compares every pair of segments.
func selfIntersectionPairs(pts []orb.Point) (int, bool) {
	m := len(pts) - 1 // segments; segment i runs from pts[i] to pts[i+1]
	for i := 0; i < m; i++ {
		for j := i + 1; j < m; j++ {
			if v, ok := segmentsConflict(pts, m, i, j); ok {
				return v, true
			}
		}
	}
	return 0, false
}

// selfIntersectionTree compares each segment with those whose bounds meet
// its own, found through an R-tree; it gives the same answer as
// selfIntersectionPairs.
func selfIntersectionTree(pts []orb.Point) (int, bool) {
	m := len(pts) - 1
	var tr rtree.RTreeG[int32]
	for i := 0; i < m; i++ {
		lo, hi := segmentBounds(pts[i], pts[i+1])
		tr.Insert(lo, hi, int32(i))
	}
	// Of the segments in conflict with segment i take the first, so that
	// the answer does not depend on the tree's layout.
	first := -1
	vertex := 0
	for i := 0; i < m && first < 0; i++ {
		lo, hi := segmentBounds(pts[i], pts[i+1])
		tr.Search(lo, hi, func(_, _ [2]float64, j32 int32) bool {
			j := int(j32)
			if j <= i || first >= 0 && j > first {
				return true
			}
			if v, ok := segmentsConflict(pts, m, i, j); ok {
				first, vertex = j, v
			}
			return true
		})
	}
	return vertex, first >= 0
}

func segmentBounds(a, b orb.Point) (lo, hi [2]float64) {
	return [2]float64{math.Min(a[0], b[0]), math.Min(a[1], b[1])},
		[2]float64{math.Max(a[0], b[0]), math.Max(a[1], b[1])}
}

// segmentsConflict reports whether segments i < j of a ring of m segments
// meet where they should not, and the vertex nearest to where they do.
// Neighbouring segments share one endpoint and may only meet there.
func segmentsConflict(pts []orb.Point, m, i, j int) (int, bool) {
	a, b := pts[i], pts[i+1]
	c, d := pts[j], pts[j+1]
	switch {
	case j == i+1: // b == c: conflict when the ring doubles back on itself
		if onSegment(a, b, d) || onSegment(c, d, a) {
			return j, true
		}
		return 0, false
	case i == 0 && j == m-1: // d == a
		if onSegment(c, d, b) || onSegment(a, b, c) {
			return j, true
		}
		return 0, false
	}
	switch {
	case onSegment(a, b, c):
		return j, true
	case onSegment(a, b, d):
		return j + 1, true
	case onSegment(c, d, a):
		return i, true
	case onSegment(c, d, b):
		return i + 1, true
	}
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if o1*o2 < 0 && o3*o4 < 0 {
		return j, true
	}
	return 0, false
}

// orient is the sign of the turn a→b→c: positive counter-clockwise.
func orient(a, b, c orb.Point) float64 {
	v := (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// onSegment reports whether p lies on the closed segment a-b.
func onSegment(a, b, p orb.Point) bool {
	return orient(a, b, p) == 0 &&
		p[0] >= math.Min(a[0], b[0]) && p[0] <= math.Max(a[0], b[0]) &&
		p[1] >= math.Min(a[1], b[1]) && p[1] <= math.Max(a[1], b[1])
}
