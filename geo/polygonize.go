package geo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Polygonize returns the bounded faces of a line network, as PostGIS's
// ST_Polygonize(ST_Node(ST_Collect(lines))) does. The lines are noded
// first: split wherever they cross or touch, treating lon/lat as a plane
// (as PostGIS does for geometry in degrees) scaled to metres around the
// middle of their bounds, with points closer than about a millimetre
// snapped together. Edges that bound no face are dropped and
// returned as dangles (two-point pieces of the noded network): dangling
// edges, repeatedly, and cut edges, whose two sides are the same face.
//
// Each face is a valid polygon with its exterior counter-clockwise and its
// holes clockwise (RFC 7946); a part of the network lying inside a face and
// not connected to its boundary makes a hole in it (and faces of its own).
// Input vertices keep their exact coordinates; new nodes where lines cross
// are computed in the plane.
func Polygonize(lines []orb.LineString) (faces []orb.Polygon, dangles []orb.LineString) {
	g := nodeLines(lines)
	dangles = g.pruneDangles()
	all := func(int32) bool { return true }
	for {
		cycles, of := g.trace(all)
		cut := false
		for e := range g.edges {
			if g.alive[e] && of[2*e] == of[2*e+1] {
				g.alive[e] = false
				dangles = append(dangles, g.line(int32(e)))
				cut = true
			}
		}
		if !cut {
			comp := g.components()
			faces, _ = g.polygons(cycles, func(hole, shell []int32) bool {
				return comp[g.tail(hole[0])] != comp[g.tail(shell[0])]
			})
			return faces, dangles
		}
		dangles = append(dangles, g.pruneDangles()...)
	}
}

// tail and head are the nodes a half-edge leaves and reaches.
func (g *graph) tail(h int32) int32 { return g.edges[h/2][h&1] }
func (g *graph) head(h int32) int32 { return g.edges[h/2][1-h&1] }

// line is edge e as a two-point line string.
func (g *graph) line(e int32) orb.LineString {
	return orb.LineString{g.ll[g.edges[e][0]], g.ll[g.edges[e][1]]}
}

// pruneDangles removes, repeatedly, the edges with an end no other edge
// reaches, and returns them.
func (g *graph) pruneDangles() []orb.LineString {
	deg := make([]int, len(g.xy))
	inc := make([][]int32, len(g.xy))
	for e, uv := range g.edges {
		if g.alive[e] {
			for _, n := range uv {
				deg[n]++
				inc[n] = append(inc[n], int32(e))
			}
		}
	}
	var queue []int32
	for n, d := range deg {
		if d == 1 {
			queue = append(queue, int32(n))
		}
	}
	var out []orb.LineString
	for len(queue) > 0 {
		n := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, e := range inc[n] {
			if !g.alive[e] {
				continue
			}
			g.alive[e] = false
			out = append(out, g.line(e))
			for _, m := range g.edges[e] {
				if deg[m]--; deg[m] == 1 {
					queue = append(queue, m)
				}
			}
		}
	}
	return out
}

// star lists, for every node, its live outgoing half-edges sorted
// counter-clockwise by angle, and the position of each half-edge there.
func (g *graph) star() (out [][]int32, pos []int32) {
	out = make([][]int32, len(g.xy))
	pos = make([]int32, 2*len(g.edges))
	angle := make([]float64, 2*len(g.edges))
	for e := range g.edges {
		if !g.alive[e] {
			continue
		}
		for _, h := range [2]int32{int32(2 * e), int32(2*e + 1)} {
			a, b := g.xy[g.tail(h)], g.xy[g.head(h)]
			angle[h] = math.Atan2(b[1]-a[1], b[0]-a[0])
			out[g.tail(h)] = append(out[g.tail(h)], h)
		}
	}
	for _, hs := range out {
		sort.Slice(hs, func(i, j int) bool { return angle[hs[i]] < angle[hs[j]] })
		for i, h := range hs {
			pos[h] = int32(i)
		}
	}
	return out, pos
}

// trace walks the boundaries of the regions left of the kept half-edges:
// from a half-edge into node v, the next is the first kept half-edge out of
// v clockwise from the way back. It returns the cycles and, for each
// half-edge, its cycle (-1 when not kept).
func (g *graph) trace(keep func(h int32) bool) (cycles [][]int32, of []int32) {
	out, pos := g.star()
	of = make([]int32, 2*len(g.edges))
	for i := range of {
		of[i] = -1
	}
	next := func(h int32) int32 {
		hs := out[g.head(h)]
		i := int(pos[h^1])
		for k := 1; k <= len(hs); k++ {
			if c := hs[(i-k+len(hs))%len(hs)]; keep(c) {
				return c
			}
		}
		return h ^ 1
	}
	for h0 := range of {
		h := int32(h0)
		if !g.alive[h/2] || of[h] >= 0 || !keep(h) {
			continue
		}
		id := int32(len(cycles))
		var cyc []int32
		for cur := h; of[cur] < 0; cur = next(cur) {
			of[cur] = id
			cyc = append(cyc, cur)
		}
		cycles = append(cycles, cyc)
	}
	return cycles, of
}

// components labels every node with its connected component over live
// edges.
func (g *graph) components() []int32 {
	parent := make([]int32, len(g.xy))
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for e, uv := range g.edges {
		if g.alive[e] {
			parent[find(uv[0])] = find(uv[1])
		}
	}
	for i := range parent {
		parent[i] = find(int32(i))
	}
	return parent
}

// ringPart is a simple closed walk of a traced cycle: its half-edges and
// its signed area in the plane (positive counter-clockwise).
type ringPart struct {
	hs    []int32
	area  float64
	cycle []int32 // the whole cycle it came from
	holes []int
	bound orb.Bound
}

// polygons turns traced cycles into polygons. A cycle that passes a node
// twice is split there into simple rings. Counter-clockwise rings are
// shells; a clockwise ring split from a shell's cycle is a hole of that
// shell, and any other clockwise ring becomes a hole of the smallest shell
// around it that may hold it (fits(hole cycle, shell cycle)), or is
// dropped when there is none. It also returns a half-edge of each
// polygon's exterior.
func (g *graph) polygons(cycles [][]int32, fits func(hole, shell []int32) bool) ([]orb.Polygon, []int32) {
	var shells, free []*ringPart
	for _, cyc := range cycles {
		parts := g.splitCycle(cyc)
		var outer *ringPart
		for _, p := range parts {
			if p.area > 0 && (outer == nil || p.area > outer.area) {
				outer = p
			}
		}
		for _, p := range parts {
			switch {
			case p.area > 0:
				shells = append(shells, p)
			case outer != nil:
				outer.holes = append(outer.holes, len(free))
				free = append(free, p)
			default:
				free = append(free, p)
			}
		}
	}
	var tr rtree.RTreeG[int]
	for i, s := range shells {
		tr.Insert(s.bound.Min, s.bound.Max, i)
	}
	owned := make([]bool, len(free))
	for _, s := range shells {
		for _, h := range s.holes {
			owned[h] = true
		}
	}
	for i, h := range free {
		if owned[i] {
			continue
		}
		mid := g.midpoint(h.hs[0])
		best := -1
		tr.Search(mid, mid, func(_, _ [2]float64, j int) bool {
			s := shells[j]
			if (best < 0 || s.area < shells[best].area) && fits(h.cycle, s.cycle) && g.ringContains(s.hs, mid) {
				best = j
			}
			return true
		})
		if best >= 0 {
			shells[best].holes = append(shells[best].holes, i)
		}
	}
	out := make([]orb.Polygon, 0, len(shells))
	edges := make([]int32, 0, len(shells))
	for _, s := range shells {
		poly := orb.Polygon{g.ring(s.hs)}
		for _, h := range s.holes {
			poly = append(poly, g.ring(free[h].hs))
		}
		out = append(out, poly)
		edges = append(edges, s.hs[0])
	}
	return out, edges
}

// splitCycle cuts a cycle at every node it passes more than once.
func (g *graph) splitCycle(cyc []int32) []*ringPart {
	var parts []*ringPart
	at := make(map[int32]int, len(cyc))
	var stack []int32
	emit := func(hs []int32) {
		if len(hs) < 3 {
			return
		}
		p := &ringPart{hs: append([]int32(nil), hs...), cycle: cyc}
		p.bound = orb.Bound{Min: g.xy[g.tail(hs[0])], Max: g.xy[g.tail(hs[0])]}
		for _, h := range hs {
			a, b := g.xy[g.tail(h)], g.xy[g.head(h)]
			p.area += (a[0]*b[1] - b[0]*a[1]) / 2
			p.bound = p.bound.Extend(a)
		}
		parts = append(parts, p)
	}
	for _, h := range cyc {
		n := g.tail(h)
		if i, ok := at[n]; ok {
			emit(stack[i:])
			for _, x := range stack[i:] {
				delete(at, g.tail(x))
			}
			stack = stack[:i]
		}
		at[n] = len(stack)
		stack = append(stack, h)
	}
	emit(stack)
	return parts
}

// midpoint is the middle of half-edge h in the plane.
func (g *graph) midpoint(h int32) orb.Point {
	a, b := g.xy[g.tail(h)], g.xy[g.head(h)]
	return orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
}

// ringContains reports whether p (in the plane) is inside the ring walked by
// hs, by the even-odd rule.
func (g *graph) ringContains(hs []int32, p orb.Point) bool {
	in := false
	for _, h := range hs {
		a, b := g.xy[g.tail(h)], g.xy[g.head(h)]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			in = !in
		}
	}
	return in
}

// ring is the closed lon/lat ring walked by hs.
func (g *graph) ring(hs []int32) orb.Ring {
	r := make(orb.Ring, 0, len(hs)+1)
	for _, h := range hs {
		r = append(r, g.ll[g.tail(h)])
	}
	return append(r, r[0])
}
