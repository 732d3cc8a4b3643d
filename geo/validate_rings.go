package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// ringSegment names segment i (from vertex i to i+1) of ring r.
type ringSegment struct{ r, i int32 }

// checkRings checks how the rings of a polygon, each valid on its own, sit
// together: no two rings cross or share a stretch of boundary (touching at
// a point is allowed), every hole lies inside the exterior ring and no hole
// lies inside another. It returns the ring and vertex of the first problem.
func checkRings(p orb.Polygon) (ring, vertex int, err error) {
	if len(p) < 2 {
		return -1, -1, nil
	}
	var tr rtree.RTreeG[ringSegment]
	for ri, r := range p {
		for i := 0; i+1 < len(r); i++ {
			if r[i] != r[i+1] {
				lo, hi := segmentBounds(r[i], r[i+1])
				tr.Insert(lo, hi, ringSegment{int32(ri), int32(i)})
			}
		}
	}
	ring, vertex = -1, -1
	for ri := 0; ri < len(p) && ring < 0; ri++ {
		r := p[ri]
		for i := 0; i+1 < len(r) && ring < 0; i++ {
			a, b := r[i], r[i+1]
			lo, hi := segmentBounds(a, b)
			// Of the segments in conflict take the first, in ring order,
			// so that the answer does not depend on the tree's layout.
			tr.Search(lo, hi, func(_, _ [2]float64, s ringSegment) bool {
				if int(s.r) <= ri || ring >= 0 && (int(s.r) > ring || int(s.r) == ring && int(s.i) > vertex) {
					return true
				}
				o := p[s.r]
				if segmentsCrossOrOverlap(a, b, o[s.i], o[s.i+1]) {
					ring, vertex = int(s.r), int(s.i)
				}
				return true
			})
		}
	}
	if ring >= 0 {
		return ring, vertex, ErrSelfIntersection
	}
	return checkHoles(p, &tr)
}

// checkHoles checks, once no rings cross, that each hole lies inside the
// exterior ring and outside the other holes, by testing one vertex of it
// that is not on the exterior ring. The exterior ring gets banded edges and
// the holes an R-tree of bounds, so the checks take O(n log n) time. tr
// holds the segments of all rings.
func checkHoles(p orb.Polygon, tr *rtree.RTreeG[ringSegment]) (ring, vertex int, err error) {
	shellBound := p[0].Bound()
	shell := newBandedRings(orb.Polygon{p[0]}, shellBound)
	var holes rtree.RTreeG[int32]
	for hi := 1; hi < len(p); hi++ {
		b := p[hi].Bound()
		holes.Insert(b.Min, b.Max, int32(hi))
	}
	for hi := 1; hi < len(p); hi++ {
		v := -1
		for i, pt := range p[hi] {
			if !onShell(p, tr, pt) {
				v = i
				break
			}
		}
		if v < 0 {
			continue // every vertex lies on the exterior ring: nothing decides
		}
		pt := p[hi][v]
		if !shellBound.Contains(pt) || !shell.contains(pt) {
			return hi, v, ErrHoleOutside
		}
		nested := false
		holes.Search(pt, pt, func(_, _ [2]float64, hj int32) bool {
			o := p[hj]
			nested = int(hj) != hi && ringContains(o, pt) && !onRing(o, pt)
			return !nested
		})
		if nested {
			return hi, v, ErrNestedHole
		}
	}
	return -1, -1, nil
}

// onShell reports whether pt lies on a segment of the exterior ring of p.
func onShell(p orb.Polygon, tr *rtree.RTreeG[ringSegment], pt orb.Point) bool {
	on := false
	tr.Search(pt, pt, func(_, _ [2]float64, s ringSegment) bool {
		if s.r == 0 && onSegment(p[0][s.i], p[0][s.i+1], pt) {
			on = true
		}
		return !on
	})
	return on
}

// segmentsCrossOrOverlap reports whether segments a-b and c-d cross at a
// point inside both, or lie on one line and share more than a point.
func segmentsCrossOrOverlap(a, b, c, d orb.Point) bool {
	o1, o2 := orient(a, b, c), orient(a, b, d)
	o3, o4 := orient(c, d, a), orient(c, d, b)
	if o1*o2 < 0 && o3*o4 < 0 {
		return true
	}
	if o1 != 0 || o2 != 0 {
		return false
	}
	// Collinear: compare the extents along the longer axis.
	axis := 0
	if math.Abs(b[1]-a[1]) > math.Abs(b[0]-a[0]) {
		axis = 1
	}
	lo := math.Max(math.Min(a[axis], b[axis]), math.Min(c[axis], d[axis]))
	hi := math.Min(math.Max(a[axis], b[axis]), math.Max(c[axis], d[axis]))
	return hi > lo
}

// onRing reports whether p lies on an edge of r.
func onRing(r orb.Ring, p orb.Point) bool {
	for i := 0; i+1 < len(r); i++ {
		if onSegment(r[i], r[i+1], p) {
			return true
		}
	}
	return false
}
