package geo

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tidwall/rtree"
)

// dissolveSnap is how far (degrees, about 5 cm) a vertex of one polygon
// may lie off an edge of another and still split it: blocks that share a
// boundary where only one side has a vertex.
const dissolveSnap = 5e-7

// Dissolve returns the union of polygons that tile a region without
// overlapping (the blocks of a grid) as one MultiPolygon, exterior rings
// counter-clockwise and holes clockwise, holes that the parts leave kept.
//
// Every ring edge is taken as a directed segment with the interior on its
// left. Where a vertex of one polygon lies on an edge of another, that
// edge is split there; then edges shared by two neighbours run in
// opposite directions and cancel, and what is left is the boundary of the
// union. It is walked into rings, turning as far left as possible where
// several boundary edges meet, so that parts touching at a single point
// come out as separate rings; a walk that still comes back to a vertex
// (a hole touching its exterior at one point) is cut there into simple
// loops. Loops winding counter-clockwise are exteriors, the others holes
// of the smallest exterior around them.
func Dissolve(parts []orb.MultiPolygon) orb.MultiPolygon {
	var edges [][2]orb.Point
	for _, mp := range parts {
		for _, p := range mp {
			for i, r := range p {
				r = orientRing(r, i == 0)
				for k := 1; k < len(r); k++ {
					if r[k] != r[k-1] {
						edges = append(edges, [2]orb.Point{r[k-1], r[k]})
					}
				}
			}
		}
	}
	edges = splitAtVertices(edges)
	return assemble(boundaryEdges(edges))
}

// splitAtVertices splits every edge at the vertices of other edges that
// lie on it (within dissolveSnap), in order along the edge.
func splitAtVertices(edges [][2]orb.Point) [][2]orb.Point {
	var tree rtree.RTreeG[struct{}]
	seen := make(map[orb.Point]bool, len(edges))
	for _, e := range edges {
		if !seen[e[0]] {
			seen[e[0]] = true
			tree.Insert(e[0], e[0], struct{}{})
		}
	}
	out := make([][2]orb.Point, 0, len(edges))
	type cut struct {
		t float64
		p orb.Point
	}
	var cuts []cut
	for _, e := range edges {
		a, b := e[0], e[1]
		dx, dy := b[0]-a[0], b[1]-a[1]
		l2 := dx*dx + dy*dy
		cuts = cuts[:0]
		lo := [2]float64{math.Min(a[0], b[0]) - dissolveSnap, math.Min(a[1], b[1]) - dissolveSnap}
		hi := [2]float64{math.Max(a[0], b[0]) + dissolveSnap, math.Max(a[1], b[1]) + dissolveSnap}
		tree.Search(lo, hi, func(p, _ [2]float64, _ struct{}) bool {
			q := orb.Point(p)
			if q == a || q == b {
				return true
			}
			t := ((q[0]-a[0])*dx + (q[1]-a[1])*dy) / l2
			if t <= 0 || t >= 1 {
				return true
			}
			if math.Hypot(a[0]+t*dx-q[0], a[1]+t*dy-q[1]) <= dissolveSnap {
				cuts = append(cuts, cut{t, q})
			}
			return true
		})
		if len(cuts) == 0 {
			out = append(out, e)
			continue
		}
		sortCuts(cuts, func(c cut) float64 { return c.t })
		prev := a
		for _, c := range cuts {
			out = append(out, [2]orb.Point{prev, c.p})
			prev = c.p
		}
		out = append(out, [2]orb.Point{prev, b})
	}
	return out
}

// sortCuts is an insertion sort by key: edges carry few cuts.
func sortCuts[T any](xs []T, key func(T) float64) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && key(xs[j]) < key(xs[j-1]); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// boundaryEdges drops every pair of opposite edges, keeping the rest in
// input order.
func boundaryEdges(edges [][2]orb.Point) [][2]orb.Point {
	count := make(map[[2]orb.Point]int, len(edges))
	for _, e := range edges {
		count[e]++
	}
	left := make(map[[2]orb.Point]int, len(count))
	for e, n := range count {
		if k := n - count[[2]orb.Point{e[1], e[0]}]; k > 0 {
			left[e] = k
		}
	}
	var out [][2]orb.Point
	for _, e := range edges {
		if left[e] > 0 {
			left[e]--
			out = append(out, e)
		}
	}
	return out
}

// assemble walks boundary edges into rings and nests holes in exteriors.
func assemble(edges [][2]orb.Point) orb.MultiPolygon {
	out := make(map[orb.Point][]int, len(edges))
	for i, e := range edges {
		out[e[0]] = append(out[e[0]], i)
	}
	used := make([]bool, len(edges))
	var shells orb.MultiPolygon
	var holes []orb.Ring
	for s := range edges {
		if used[s] {
			continue
		}
		used[s] = true
		ring := orb.Ring{edges[s][0], edges[s][1]}
		for ring[len(ring)-1] != ring[0] {
			u, v := ring[len(ring)-2], ring[len(ring)-1]
			next := leftmost(edges, out[v], used, u, v)
			if next < 0 {
				break // an open chain: input that did not tile
			}
			used[next] = true
			ring = append(ring, edges[next][1])
		}
		if len(ring) < 4 || ring[len(ring)-1] != ring[0] {
			continue
		}
		for _, r := range splitLoops(ring) {
			switch a := planarSignedArea(r); {
			case a > 0:
				shells = append(shells, orb.Polygon{r})
			case a < 0:
				holes = append(holes, r)
			}
		}
	}
	for _, h := range holes {
		best, bestArea := -1, math.Inf(1)
		probe := orb.Point{(h[0][0] + h[1][0]) / 2, (h[0][1] + h[1][1]) / 2}
		for i, p := range shells {
			if a := planarSignedArea(p[0]); a < bestArea && planar.RingContains(p[0], probe) {
				best, bestArea = i, a
			}
		}
		if best >= 0 {
			shells[best] = append(shells[best], h)
		}
	}
	return shells
}

// leftmost picks among the unused edges leaving v the one that turns
// furthest left coming from u.
func leftmost(edges [][2]orb.Point, cands []int, used []bool, u, v orb.Point) int {
	best, bestAngle := -1, math.Inf(-1)
	dx, dy := v[0]-u[0], v[1]-u[1]
	for _, i := range cands {
		if used[i] {
			continue
		}
		w := edges[i][1]
		ex, ey := w[0]-v[0], w[1]-v[1]
		angle := math.Atan2(dx*ey-dy*ex, dx*ex+dy*ey)
		if angle > bestAngle {
			best, bestAngle = i, angle
		}
	}
	return best
}

// splitLoops cuts a closed walk that passes some vertex more than once
// into simple closed loops.
func splitLoops(ring orb.Ring) []orb.Ring {
	var loops []orb.Ring
	stack := make(orb.Ring, 0, len(ring))
	at := make(map[orb.Point]int, len(ring))
	for _, p := range ring[:len(ring)-1] {
		if i, ok := at[p]; ok {
			loop := append(slices.Clone(stack[i:]), p)
			for _, q := range stack[i+1:] {
				delete(at, q)
			}
			stack = stack[:i+1]
			if len(loop) >= 4 {
				loops = append(loops, loop)
			}
			continue
		}
		at[p] = len(stack)
		stack = append(stack, p)
	}
	if len(stack) >= 3 {
		loops = append(loops, append(stack, stack[0]))
	}
	return loops
}
