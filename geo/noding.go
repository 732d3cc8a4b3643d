package geo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// snapM is the grid, in metres of the local plane, that noding snaps
// vertices and intersection points to: points closer than about a
// millimetre become one node.
const snapM = 1e-3

// nodeKey is a point snapped to the noding grid.
type nodeKey [2]int64

// plane is an equirectangular plane around an origin: lon/lat scaled to
// about metres there. Being affine in lon/lat, it keeps straight lines in
// lon/lat straight, so noding in it agrees with planar tools working in
// degrees (PostGIS on geometry in EPSG:4326), while tolerances are in
// metres.
type plane struct {
	origin orb.Point
	kx, ky float64 // metres per degree of longitude and latitude
}

func newPlane(origin orb.Point) plane {
	ky := wgsA * rad
	return plane{origin: origin, kx: ky * math.Cos(origin[1]*rad), ky: ky}
}

// Forward maps lon/lat to the plane.
func (p plane) Forward(ll orb.Point) orb.Point {
	return orb.Point{(ll[0] - p.origin[0]) * p.kx, (ll[1] - p.origin[1]) * p.ky}
}

// Inverse maps the plane back to lon/lat.
func (p plane) Inverse(xy orb.Point) orb.Point {
	return orb.Point{p.origin[0] + xy[0]/p.kx, p.origin[1] + xy[1]/p.ky}
}

// graph is a planar graph of undirected edges between snapped nodes, built
// in a local plane. Edge k has the half-edges 2k (from its first node to
// its second) and 2k+1 (back).
type graph struct {
	proj  plane
	keys  map[nodeKey]int32
	xy    []orb.Point // node positions in the plane (snapped), m
	ll    []orb.Point // node positions, lon/lat
	edges [][2]int32
	dup   map[[2]int32]int32 // (low node, high node) → edge
	alive []bool
}

func newGraph(proj plane) *graph {
	return &graph{proj: proj, keys: make(map[nodeKey]int32), dup: make(map[[2]int32]int32)}
}

// snapKey snaps a point of the plane to the noding grid.
func snapKey(xy orb.Point) nodeKey {
	return nodeKey{int64(math.Round(xy[0] / snapM)), int64(math.Round(xy[1] / snapM))}
}

// node returns the node at point xy of the plane, adding it when new; ll is
// its lon/lat, or nil to compute it from the plane. An input
// vertex keeps its exact coordinates.
func (g *graph) node(xy orb.Point, ll *orb.Point) int32 {
	k := snapKey(xy)
	if id, ok := g.keys[k]; ok {
		return id
	}
	id := int32(len(g.xy))
	g.keys[k] = id
	g.xy = append(g.xy, orb.Point{float64(k[0]) * snapM, float64(k[1]) * snapM})
	if ll != nil {
		g.ll = append(g.ll, *ll)
	} else {
		g.ll = append(g.ll, g.proj.Inverse(xy))
	}
	return id
}

// edge adds the edge u-v once (repeats and loops are dropped) and returns
// its index, or -1 for a loop.
func (g *graph) edge(u, v int32) int32 {
	if u == v {
		return -1
	}
	k := [2]int32{min(u, v), max(u, v)}
	if e, ok := g.dup[k]; ok {
		return e
	}
	e := int32(len(g.edges))
	g.dup[k] = e
	g.edges = append(g.edges, [2]int32{u, v})
	g.alive = append(g.alive, true)
	return e
}

// segment is one input segment, in the plane, with the points it must be
// split at.
type segment struct {
	a, b     orb.Point
	la, lb   orb.Point // the ends, lon/lat
	splits   []orb.Point
	boundMin [2]float64
	boundMax [2]float64
}

// nodeLines builds the noded graph of lines: every segment is split where
// another crosses or touches it, and pieces that coincide become one edge.
// Candidate pairs come from an R-tree over segment bounds.
func nodeLines(lines []orb.LineString) *graph {
	var bound orb.Bound
	first := true
	for _, ls := range lines {
		for _, p := range ls {
			if first {
				bound, first = orb.Bound{Min: p, Max: p}, false
			}
			bound = bound.Extend(p)
		}
	}
	g := newGraph(newPlane(bound.Center()))
	var segs []segment
	for _, ls := range lines {
		for i := 0; i+1 < len(ls); i++ {
			a, b := g.proj.Forward(ls[i]), g.proj.Forward(ls[i+1])
			if snapKey(a) == snapKey(b) {
				continue
			}
			s := segment{a: a, b: b, la: ls[i], lb: ls[i+1]}
			s.boundMin = [2]float64{math.Min(a[0], b[0]) - snapM, math.Min(a[1], b[1]) - snapM}
			s.boundMax = [2]float64{math.Max(a[0], b[0]) + snapM, math.Max(a[1], b[1]) + snapM}
			segs = append(segs, s)
		}
	}
	var tr rtree.RTreeG[int]
	for i := range segs {
		tr.Insert(segs[i].boundMin, segs[i].boundMax, i)
	}
	for i := range segs {
		s := &segs[i]
		tr.Search(s.boundMin, s.boundMax, func(_, _ [2]float64, j int) bool {
			if j > i {
				intersect(s, &segs[j])
			}
			return true
		})
	}
	for i := range segs {
		s := &segs[i]
		pts := append([]orb.Point{s.a}, s.splits...)
		pts = append(pts, s.b)
		d := orb.Point{s.b[0] - s.a[0], s.b[1] - s.a[1]}
		sort.Slice(pts, func(p, q int) bool {
			return (pts[p][0]-s.a[0])*d[0]+(pts[p][1]-s.a[1])*d[1] <
				(pts[q][0]-s.a[0])*d[0]+(pts[q][1]-s.a[1])*d[1]
		})
		prev := g.node(s.a, &s.la)
		for _, p := range pts[1 : len(pts)-1] {
			n := g.node(p, nil)
			g.edge(prev, n)
			prev = n
		}
		g.edge(prev, g.node(s.b, &s.lb))
	}
	return g
}

// intersect records on s and t the points where they meet: a proper
// crossing, or an end of one lying on the other (which also covers
// overlapping collinear pieces).
func intersect(s, t *segment) {
	for _, c := range [...]struct {
		p  orb.Point
		on *segment
	}{{s.a, t}, {s.b, t}, {t.a, s}, {t.b, s}} {
		if interiorNear(c.on, c.p) {
			c.on.splits = append(c.on.splits, c.p)
		}
	}
	d1, d2 := cross(t.a, t.b, s.a), cross(t.a, t.b, s.b)
	d3, d4 := cross(s.a, s.b, t.a), cross(s.a, s.b, t.b)
	if (d1 > 0 && d2 < 0 || d1 < 0 && d2 > 0) && (d3 > 0 && d4 < 0 || d3 < 0 && d4 > 0) {
		f := d1 / (d1 - d2)
		p := orb.Point{s.a[0] + f*(s.b[0]-s.a[0]), s.a[1] + f*(s.b[1]-s.a[1])}
		if snapKey(p) != snapKey(s.a) && snapKey(p) != snapKey(s.b) {
			s.splits = append(s.splits, p)
		}
		if snapKey(p) != snapKey(t.a) && snapKey(p) != snapKey(t.b) {
			t.splits = append(t.splits, p)
		}
	}
}

// interiorNear reports whether p lies within half the snap grid of the
// segment s, away from its ends.
func interiorNear(s *segment, p orb.Point) bool {
	k := snapKey(p)
	if k == snapKey(s.a) || k == snapKey(s.b) {
		return false
	}
	dx, dy := s.b[0]-s.a[0], s.b[1]-s.a[1]
	l2 := dx*dx + dy*dy
	f := ((p[0]-s.a[0])*dx + (p[1]-s.a[1])*dy) / l2
	if f <= 0 || f >= 1 {
		return false
	}
	ex, ey := s.a[0]+f*dx-p[0], s.a[1]+f*dy-p[1]
	return ex*ex+ey*ey <= snapM*snapM/4
}

// cross is the cross product (b-a)×(c-a): positive when a→b→c turns left.
func cross(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}
