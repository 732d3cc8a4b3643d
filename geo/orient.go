package geo

import "github.com/paulmach/orb"

// Orient returns a copy of g with its rings wound as RFC 7946 asks:
// exterior rings counter-clockwise, holes clockwise. Polygons and
// MultiPolygons (also inside a Collection) are rewound; other geometries
// come back unchanged. The result has the same type as g.
func Orient(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Polygon:
		return orientPolygon(g)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = orientPolygon(p)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, c := range g {
			out[i] = Orient(c)
		}
		return out
	}
	return g
}

func orientPolygon(p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		out[i] = orientRing(r, i == 0)
	}
	return out
}

// orientRing copies r, reversed when needed so that it winds
// counter-clockwise (ccw true) or clockwise.
func orientRing(r orb.Ring, ccw bool) orb.Ring {
	out := make(orb.Ring, len(r))
	if a := planarSignedArea(r); a == 0 || (a > 0) == ccw {
		copy(out, r)
		return out
	}
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return out
}

// planarSignedArea is twice the signed area of r in degree space (positive
// counter-clockwise), with longitudes taken relative to the first vertex so
// that rings crossing the antimeridian wind the right way.
func planarSignedArea(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	x0 := r[0][0]
	var s float64
	for i := range r {
		p, q := r[i], r[(i+1)%len(r)]
		px, qx := x0+normLon(p[0]-x0), x0+normLon(q[0]-x0)
		s += px*q[1] - qx*p[1]
	}
	return s
}
