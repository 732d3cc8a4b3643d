package geo

import (
	"container/heap"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
)

// MergeFaces merges the small faces of a planar subdivision: faces that
// meet only along shared edges and share every vertex where they meet, as
// Polygonize returns them. Repeatedly, the smallest face (or merged group)
// with a geodesic area below minM2 joins the neighbour it shares the
// longest boundary with; a small face with no neighbour stays as it is.
// It returns the merged polygons (valid, exteriors counter-clockwise) and,
// for each, the sorted indexes of the input faces it is made of, ordered
// by their smallest index.
func MergeFaces(faces []orb.Polygon, minM2 float64) (merged []orb.Polygon, parts [][]int) {
	var bound orb.Bound
	for i, f := range faces {
		if i == 0 {
			bound = f.Bound()
		}
		bound = bound.Union(f.Bound())
	}
	g := newGraph(newPlane(bound.Center()))
	var left []int32 // face on the left of each half-edge, -1 outside
	for i, f := range faces {
		for ri, r := range f {
			r = orientRing(r, ri == 0)
			for k := 0; k+1 < len(r); k++ {
				a, b := r[k], r[k+1]
				u, v := g.node(g.proj.Forward(a), &a), g.node(g.proj.Forward(b), &b)
				e := g.edge(u, v)
				if e < 0 {
					continue
				}
				for len(left) < 2*len(g.edges) {
					left = append(left, -1)
				}
				h := 2 * e
				if g.edges[e][0] != u {
					h++
				}
				left[h] = int32(i)
			}
		}
	}
	group := groupFaces(g, left, faces, minM2)
	label := func(h int32) int32 {
		if left[h] < 0 {
			return -1
		}
		return group[left[h]]
	}
	cycles, _ := g.trace(func(h int32) bool { return left[h] >= 0 && label(h) != label(h^1) })
	polys, shellEdges := g.polygons(cycles, func(hole, shell []int32) bool { return label(hole[0]) == label(shell[0]) })
	byGroup := make(map[int32][]int)
	for i := range faces {
		byGroup[group[i]] = append(byGroup[group[i]], i)
	}
	order := make([]int, len(polys))
	for i := range order {
		order[i] = i
	}
	first := func(i int) int { return byGroup[label(shellEdges[i])][0] }
	sort.SliceStable(order, func(a, b int) bool { return first(order[a]) < first(order[b]) })
	for _, i := range order {
		merged = append(merged, polys[i])
		parts = append(parts, byGroup[label(shellEdges[i])])
	}
	return merged, parts
}

// groupFaces decides the merges and returns each face's group (the index
// of one face of the group).
func groupFaces(g *graph, left []int32, faces []orb.Polygon, minM2 float64) []int32 {
	n := len(faces)
	group := make([]int32, n)
	area := make([]float64, n)
	adj := make([]map[int32]float64, n) // group → neighbour group → shared length, m
	for i := range faces {
		group[i] = int32(i)
		area[i] = Area(faces[i])
		adj[i] = make(map[int32]float64)
	}
	for e := range g.edges {
		a, b := left[2*e], left[2*e+1]
		if a < 0 || b < 0 || a == b {
			continue
		}
		p, q := g.xy[g.edges[e][0]], g.xy[g.edges[e][1]]
		l := math.Hypot(q[0]-p[0], q[1]-p[1])
		adj[a][b] += l
		adj[b][a] += l
	}
	find := func(x int32) int32 {
		for group[x] != x {
			group[x] = group[group[x]]
			x = group[x]
		}
		return x
	}
	q := &areaQueue{}
	for i := range faces {
		if area[i] < minM2 {
			heap.Push(q, areaItem{int32(i), area[i]})
		}
	}
	for q.Len() > 0 {
		it := heap.Pop(q).(areaItem)
		a := it.face
		if find(a) != a || area[a] != it.area || len(adj[a]) == 0 {
			continue // merged away, grown since, or alone
		}
		best, bestLen := int32(-1), -1.0
		for b, l := range adj[a] {
			if l > bestLen || l == bestLen && b < best {
				best, bestLen = b, l
			}
		}
		// Merge the smaller adjacency map into the larger one.
		keep, gone := best, a
		if len(adj[a]) > len(adj[best]) {
			keep, gone = a, best
		}
		group[gone] = keep
		area[keep] += area[gone]
		for c, l := range adj[gone] {
			delete(adj[c], gone)
			if c != keep {
				adj[keep][c] += l
				adj[c][keep] += l
			}
		}
		delete(adj[keep], gone)
		adj[gone] = nil
		if area[keep] < minM2 {
			heap.Push(q, areaItem{keep, area[keep]})
		}
	}
	for i := range group {
		group[i] = find(int32(i))
	}
	return group
}

// areaItem and areaQueue are a min-heap of groups by area.
type areaItem struct {
	face int32
	area float64
}

type areaQueue []areaItem

func (q areaQueue) Len() int { return len(q) }
func (q areaQueue) Less(i, j int) bool {
	return q[i].area < q[j].area || q[i].area == q[j].area && q[i].face < q[j].face
}
func (q areaQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *areaQueue) Push(x any)   { *q = append(*q, x.(areaItem)) }
func (q *areaQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// InteriorPoint returns a point strictly inside a polygon (with holes
// excluded): the middle of the widest stretch inside it along a horizontal
// line through the middle of its bounds, nudged off any vertex. It returns
// false for a polygon without area.
func InteriorPoint(p orb.Polygon) (orb.Point, bool) {
	if len(p) == 0 || len(p[0]) < 4 {
		return orb.Point{}, false
	}
	b := p.Bound()
	y := (b.Min[1] + b.Max[1]) / 2
	// Move y to halfway between the two vertex heights around it so that
	// the line passes through no vertex.
	lo, hi := b.Min[1], b.Max[1]
	for _, r := range p {
		for _, v := range r {
			if v[1] <= y && v[1] > lo {
				lo = v[1]
			}
			if v[1] > y && v[1] < hi {
				hi = v[1]
			}
		}
	}
	y = (lo + hi) / 2
	var xs []float64
	for _, r := range p {
		for i := 0; i+1 < len(r); i++ {
			a, c := r[i], r[i+1]
			if (a[1] > y) != (c[1] > y) {
				xs = append(xs, a[0]+(y-a[1])*(c[0]-a[0])/(c[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	best, bestW := orb.Point{}, 0.0
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > bestW {
			best, bestW = orb.Point{(xs[i] + xs[i+1]) / 2, y}, w
		}
	}
	return best, bestW > 0
}

// ConvexHull returns the convex hull of points as a counter-clockwise
// closed ring (Andrew's monotone chain, planar in lon/lat), or nil when
// the points span no area.
func ConvexHull(points []orb.Point) orb.Ring {
	if len(points) < 3 {
		return nil
	}
	pts := append([]orb.Point(nil), points...)
	sort.Slice(pts, func(i, j int) bool {
		return pts[i][0] < pts[j][0] || pts[i][0] == pts[j][0] && pts[i][1] < pts[j][1]
	})
	var hull []orb.Point
	for pass := 0; pass < 2; pass++ {
		start := len(hull)
		for _, p := range pts {
			for len(hull) >= start+2 && cross(hull[len(hull)-2], hull[len(hull)-1], p) <= 0 {
				hull = hull[:len(hull)-1]
			}
			hull = append(hull, p)
		}
		hull = hull[:len(hull)-1]
		slices.Reverse(pts)
	}
	if len(hull) < 3 {
		return nil
	}
	return append(orb.Ring(hull), hull[0])
}
