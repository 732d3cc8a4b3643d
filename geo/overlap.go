package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// overlapEps is how close (metres) a point must lie to a boundary to count
// as on it: a millimetre, below the rounding of 7-decimal coordinates.
const overlapEps = 1e-3

// OverlapArea is the area in m² that two (multi)polygons share: 0 for
// polygons that only touch along an edge or at a point. It integrates
// x dy − y dx along the boundary of the intersection, made of the pieces
// of each boundary that lie inside the other polygon (a stretch both
// boundaries share counts once, when both interiors lie on its same
// side), in a local metric projection around the centre of a, so it needs
// no polygon clipping and is exact up to the projection.
func OverlapArea(a, b orb.MultiPolygon) float64 {
	if !a.Bound().Intersects(b.Bound()) {
		return 0
	}
	proj := NewProjection(a.Bound().Center())
	return Flat(proj, a).OverlapArea(Flat(proj, b))
}

// FlatShape is a (multi)polygon projected to plane metres (Flat), its
// exterior rings counter-clockwise and holes clockwise: prepared once for
// the overlap areas of many pairs.
type FlatShape struct {
	rings [][]orb.Point
	bound orb.Bound
}

// Flat projects mp with proj for FlatShape.OverlapArea.
func Flat(proj Projection, mp orb.MultiPolygon) FlatShape {
	s := FlatShape{rings: planarRings(proj, mp)}
	s.bound = orb.MultiPoint(slices.Concat(s.rings...)).Bound()
	return s
}

// OverlapArea is the area in m² that s and t share (see the function
// OverlapArea); both must come from one projection.
func (s FlatShape) OverlapArea(t FlatShape) float64 {
	if len(s.rings) == 0 || len(t.rings) == 0 || !s.bound.Intersects(t.bound) {
		return 0
	}
	return math.Max(0, (boundaryInside(s.rings, t.rings, t.bound, true)+boundaryInside(t.rings, s.rings, s.bound, false))/2)
}

// planarRings projects the rings of mp, every exterior ring
// counter-clockwise and every hole clockwise, each closed.
func planarRings(proj Projection, mp orb.MultiPolygon) [][]orb.Point {
	var out [][]orb.Point
	for _, p := range mp {
		for k, r := range p {
			q := make([]orb.Point, 0, len(r)+1)
			for _, pt := range r {
				q = append(q, proj.Forward(pt))
			}
			if len(q) > 0 && q[0] != q[len(q)-1] {
				q = append(q, q[0])
			}
			if ccw := signedArea(q) > 0; ccw != (k == 0) {
				slices.Reverse(q)
			}
			out = append(out, q)
		}
	}
	return out
}

func signedArea(q []orb.Point) float64 {
	var s float64
	for i := 0; i+1 < len(q); i++ {
		s += q[i][0]*q[i+1][1] - q[i+1][0]*q[i][1]
	}
	return s / 2
}

// boundaryInside is twice the signed area contribution (∮ x dy − y dx) of
// the pieces of a's boundary inside b; withShared counts the pieces lying
// on b's boundary with both interiors on the same side.
func boundaryInside(a, b [][]orb.Point, bb orb.Bound, withShared bool) float64 {
	var sum float64
	piecesInside(a, b, bb, withShared, func(p0, p1 orb.Point) {
		sum += p0[0]*p1[1] - p1[0]*p0[1]
	})
	return sum
}

// piecesInside calls piece for each piece of a's boundary inside b, in
// a's direction (see boundaryInside for withShared).
func piecesInside(a, b [][]orb.Point, bb orb.Bound, withShared bool, piece func(p0, p1 orb.Point)) {
	var ts []float64
	bb = bb.Pad(overlapEps)
	for _, r := range a {
		for i := 0; i+1 < len(r); i++ {
			p, q := r[i], r[i+1]
			d := orb.Point{q[0] - p[0], q[1] - p[1]}
			l2 := d[0]*d[0] + d[1]*d[1]
			eb := orb.Bound{Min: orb.Point{min(p[0], q[0]), min(p[1], q[1])}, Max: orb.Point{max(p[0], q[0]), max(p[1], q[1])}}
			if l2 == 0 || !eb.Intersects(bb) {
				continue // outside b's bound: outside b
			}
			eb = eb.Pad(overlapEps)
			ts = append(ts[:0], 0, 1)
			for _, s := range b {
				for j := 0; j+1 < len(s); j++ {
					if max(s[j][0], s[j+1][0]) >= eb.Min[0] && min(s[j][0], s[j+1][0]) <= eb.Max[0] &&
						max(s[j][1], s[j+1][1]) >= eb.Min[1] && min(s[j][1], s[j+1][1]) <= eb.Max[1] {
						ts = cuts(ts, p, d, l2, s[j], s[j+1])
					}
				}
			}
			slices.Sort(ts)
			for k := 0; k+1 < len(ts); k++ {
				t0, t1 := ts[k], ts[k+1]
				if t1-t0 < 1e-12 {
					continue
				}
				m := orb.Point{p[0] + d[0]*(t0+t1)/2, p[1] + d[1]*(t0+t1)/2}
				in := false
				switch dir, on := onBoundary(b, m); {
				case on:
					in = withShared && dir[0]*d[0]+dir[1]*d[1] > 0
				default:
					in = insideRings(b, m)
				}
				if in {
					piece(along(p, q, d, t0), along(p, q, d, t1))
				}
			}
		}
	}
}

// along is the point p + t·d of the segment p–q (d = q − p), its ends
// exactly.
func along(p, q, d orb.Point, t float64) orb.Point {
	switch t {
	case 0:
		return p
	case 1:
		return q
	}
	return orb.Point{p[0] + d[0]*t, p[1] + d[1]*t}
}

// cuts adds to ts the parameters along p + t·d (t in (0, 1)) where the
// segment s0–s1 crosses it or one of its ends lies on it.
func cuts(ts []float64, p, d orb.Point, l2 float64, s0, s1 orb.Point) []float64 {
	add := func(t float64) {
		if t > 0 && t < 1 {
			ts = append(ts, t)
		}
	}
	for _, s := range []orb.Point{s0, s1} { // ends of s on the segment
		t := ((s[0]-p[0])*d[0] + (s[1]-p[1])*d[1]) / l2
		x, y := p[0]+d[0]*t-s[0], p[1]+d[1]*t-s[1]
		if x*x+y*y <= overlapEps*overlapEps {
			add(t)
		}
	}
	e := orb.Point{s1[0] - s0[0], s1[1] - s0[1]}
	den := d[0]*e[1] - d[1]*e[0]
	if den == 0 {
		return ts
	}
	w := orb.Point{s0[0] - p[0], s0[1] - p[1]}
	t := (w[0]*e[1] - w[1]*e[0]) / den
	u := (w[0]*d[1] - w[1]*d[0]) / den
	if u > 0 && u < 1 {
		add(t)
	}
	return ts
}

// onBoundary reports whether m lies on a boundary segment of rings, and
// that segment's direction.
func onBoundary(rings [][]orb.Point, m orb.Point) (orb.Point, bool) {
	for _, r := range rings {
		for j := 0; j+1 < len(r); j++ {
			if distSeg(m, r[j], r[j+1]) <= overlapEps {
				return orb.Point{r[j+1][0] - r[j][0], r[j+1][1] - r[j][1]}, true
			}
		}
	}
	return orb.Point{}, false
}

// insideRings is the even-odd rule over every ring.
func insideRings(rings [][]orb.Point, m orb.Point) bool {
	in := false
	for _, r := range rings {
		for j := 0; j+1 < len(r); j++ {
			a, c := r[j], r[j+1]
			if (a[1] > m[1]) != (c[1] > m[1]) && m[0] < a[0]+(m[1]-a[1])*(c[0]-a[0])/(c[1]-a[1]) {
				in = !in
			}
		}
	}
	return in
}

func distSeg(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	}
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}
