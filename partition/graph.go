package partition

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"

	"wangge/geo"
)

// snapM is how far (metres) two boundary segments may lie apart and still
// be one shared boundary: census and cadastral blocks share vertices, but
// where one side has an extra vertex the other side's straight segment
// runs through it only up to the rounding of the coordinates.
const snapM = 0.1

// graph is the block adjacency graph of one set of blocks. Vertices are
// block indices; two blocks are neighbours when they share a stretch of
// boundary longer than snapM, or (with a gap) come within gap metres of
// each other. A point-touch is not adjacency.
type graph struct {
	adj    [][]int32   // sorted neighbours of each block
	shared [][]float64 // metres of shared boundary, parallel to adj (0 for a gap neighbour)
	area   []float64   // geodesic area, m²
	perim  []float64   // geodesic perimeter, m
	cx, cy []float64   // centroid in the local projection, m
	moment []float64   // second moment of area about the block's centroid, m⁴
	proj   geo.Projection
}

// segment is one projected boundary segment with its bounding box.
type segment struct {
	a, b                   orb.Point
	minX, minY, maxX, maxY float64
}

// buildGraph projects the blocks around the centre of their bounds and
// finds neighbours with an R-tree over the block bounds, so the cost is
// about n log n plus the segment pairs of neighbouring blocks.
func buildGraph(blocks []Block, gap float64) *graph {
	n := len(blocks)
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, b := range blocks {
		bound = bound.Union(b.Geometry.Bound())
	}
	g := &graph{
		adj: make([][]int32, n), shared: make([][]float64, n),
		area: make([]float64, n), perim: make([]float64, n),
		cx: make([]float64, n), cy: make([]float64, n), moment: make([]float64, n),
		proj: geo.NewProjection(bound.Center()),
	}
	segs := make([][]segment, n)
	boxes := make([]orb.Bound, n)
	var tree rtree.RTreeG[int32]
	pad := math.Max(gap, snapM)
	for i, b := range blocks {
		g.area[i] = geo.Area(b.Geometry)
		g.perim[i] = geo.Perimeter(b.Geometry)
		segs[i], boxes[i] = g.projectBlock(i, b.Geometry)
		tree.Insert([2]float64{boxes[i].Min[0] - pad, boxes[i].Min[1] - pad},
			[2]float64{boxes[i].Max[0] + pad, boxes[i].Max[1] + pad}, int32(i))
	}
	var cand []int32
	for i := range n {
		cand = cand[:0]
		tree.Search(boxes[i].Min, boxes[i].Max, func(_, _ [2]float64, j int32) bool {
			if int(j) > i {
				cand = append(cand, j)
			}
			return true
		})
		slices.Sort(cand)
		for _, j := range cand {
			s := sharedLength(segs[i], segs[j])
			if s <= snapM && (gap <= 0 || !within(segs[i], segs[j], gap)) {
				continue
			}
			if s <= snapM {
				s = 0
			}
			g.adj[i] = append(g.adj[i], j)
			g.shared[i] = append(g.shared[i], s)
			g.adj[j] = append(g.adj[j], int32(i))
			g.shared[j] = append(g.shared[j], s)
		}
	}
	return g
}

// projectBlock returns the projected segments and bounds of one block and
// sets its projected centroid and second moment of area.
func (g *graph) projectBlock(i int, mp orb.MultiPolygon) ([]segment, orb.Bound) {
	var segs []segment
	box := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	var a, sx, sy, sxx float64
	for _, p := range mp {
		for _, r := range p {
			q := make([]orb.Point, len(r))
			for k, pt := range r {
				q[k] = g.proj.Forward(pt)
				box = box.Extend(q[k])
			}
			ra, rx, ry, rxx := ringMoments(q)
			a, sx, sy, sxx = a+ra, sx+rx, sy+ry, sxx+rxx
			for k := 1; k < len(q); k++ {
				if q[k] == q[k-1] {
					continue
				}
				segs = append(segs, segment{a: q[k-1], b: q[k],
					minX: math.Min(q[k-1][0], q[k][0]), maxX: math.Max(q[k-1][0], q[k][0]),
					minY: math.Min(q[k-1][1], q[k][1]), maxY: math.Max(q[k-1][1], q[k][1])})
			}
		}
	}
	// Rings of either winding: the outer ring dominates, so the signs of
	// all sums flip together and the ratios below are right either way.
	if a != 0 {
		g.cx[i], g.cy[i] = sx/a, sy/a
		g.moment[i] = math.Abs(sxx - (sx*sx+sy*sy)/a)
	} else {
		c := box.Center()
		g.cx[i], g.cy[i] = c[0], c[1]
	}
	return segs, box
}

// ringMoments returns the signed area of a ring and its first moments
// (∫x, ∫y) and polar second moment ∫(x²+y²) about the origin (Green's
// theorem over the edges).
func ringMoments(q []orb.Point) (a, sx, sy, sxx float64) {
	for k := 1; k < len(q); k++ {
		x0, y0, x1, y1 := q[k-1][0], q[k-1][1], q[k][0], q[k][1]
		c := x0*y1 - x1*y0
		a += c / 2
		sx += (x0 + x1) * c / 6
		sy += (y0 + y1) * c / 6
		sxx += (x0*x0 + x0*x1 + x1*x1 + y0*y0 + y0*y1 + y1*y1) * c / 12
	}
	return a, sx, sy, sxx
}

// sharedLength is the length of boundary two blocks have in common: the
// overlap of collinear segment pairs, within snapM of each other.
func sharedLength(p, q []segment) float64 {
	var sum float64
	for _, s := range p {
		for _, t := range q {
			if t.minX > s.maxX+snapM || t.maxX < s.minX-snapM || t.minY > s.maxY+snapM || t.maxY < s.minY-snapM {
				continue
			}
			sum += overlap(s, t)
		}
	}
	return sum
}

// overlap is the length along s of the part of t lying on s (0 unless t is
// collinear with s within snapM).
func overlap(s, t segment) float64 {
	dx, dy := s.b[0]-s.a[0], s.b[1]-s.a[1]
	l := math.Hypot(dx, dy)
	if l == 0 {
		return 0
	}
	ux, uy := dx/l, dy/l
	d0 := (t.a[0]-s.a[0])*uy - (t.a[1]-s.a[1])*ux
	d1 := (t.b[0]-s.a[0])*uy - (t.b[1]-s.a[1])*ux
	if math.Abs(d0) > snapM || math.Abs(d1) > snapM {
		return 0
	}
	t0 := (t.a[0]-s.a[0])*ux + (t.a[1]-s.a[1])*uy
	t1 := (t.b[0]-s.a[0])*ux + (t.b[1]-s.a[1])*uy
	lo, hi := math.Max(math.Min(t0, t1), 0), math.Min(math.Max(t0, t1), l)
	return math.Max(hi-lo, 0)
}

// within reports whether some segment of p comes within gap metres of
// some segment of q.
func within(p, q []segment, gap float64) bool {
	for _, s := range p {
		for _, t := range q {
			if t.minX > s.maxX+gap || t.maxX < s.minX-gap || t.minY > s.maxY+gap || t.maxY < s.minY-gap {
				continue
			}
			if segDist(s.a, s.b, t.a, t.b) <= gap {
				return true
			}
		}
	}
	return false
}

// segDist is the distance between segments ab and cd (0 when they cross).
func segDist(a, b, c, d orb.Point) float64 {
	if cross(a, b, c)*cross(a, b, d) < 0 && cross(c, d, a)*cross(c, d, b) < 0 {
		return 0
	}
	return math.Min(math.Min(ptSeg(a, c, d), ptSeg(b, c, d)), math.Min(ptSeg(c, a, b), ptSeg(d, a, b)))
}

func cross(o, a, b orb.Point) float64 {
	return (a[0]-o[0])*(b[1]-o[1]) - (a[1]-o[1])*(b[0]-o[0])
}

// ptSeg is the distance from p to segment ab.
func ptSeg(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	}
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}
