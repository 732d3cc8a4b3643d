package geo

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// Index finds the polygons that contain a point, for point → block or
// point → grid lookups. Polygons are kept in an R-tree by bounds; each
// polygon also gets, at Insert, its edges sorted into horizontal bands so
// that a point-in-polygon test looks only at the few edges level with the
// point.
//
// Boundary rule: a point is inside when a ray from it towards +x crosses the
// polygon's edges an odd number of times, an edge counting when the point
// lies in [lower end, upper end) of its y range and strictly left of it.
// So a point on a left or bottom edge is inside and one on a right or top
// edge is outside, and a point on an edge two polygons share (with the same
// two vertices) is inside exactly one of them: lookups over a tiling of
// blocks never answer "none" or "both" along the seams.
//
// Point queries (Search, Lookup) go through a uniform grid over the
// polygons once the index has answered some of them (eight per part):
// each grid cell lists the polygons that meet it, and a point in a cell
// that one polygon covers entirely needs no point-in-polygon test.
// Insert drops the grid (it is built again, once enough queries follow),
// so inserts mixed with queries stay correct and never rebuild it more than
// once per that many queries. Polygons whose bounding boxes overlap very
// heavily get no grid and stay on the R-tree. Lookup allocates nothing.
//
// Searches from several goroutines at once are safe, building the grid
// included. Insert must not run at the same time as any other method.
type Index[K comparable] struct {
	tree  rtree.RTreeG[*indexedPart[K]]
	n     int // geometries
	parts int // polygons (a MultiPolygon counts each member)

	grid   atomic.Pointer[pointGrid[K]]
	noGrid atomic.Bool  // the parts overlap too much for a grid
	misses atomic.Int64 // point queries answered by the R-tree since the last Insert
	mu     sync.Mutex   // held while building the grid
}

// indexedPart is one Polygon (a MultiPolygon adds one per member).
type indexedPart[K comparable] struct {
	bandedRings
	id    K
	multi bool // one of several parts of a MultiPolygon
	bound orb.Bound
	rings []orb.Ring // kept for Intersecting and for building the grid
}

// NewIndex returns an empty index.
func NewIndex[K comparable]() *Index[K] { return &Index[K]{} }

// Len returns the number of geometries inserted (those with an area to
// search).
func (ix *Index[K]) Len() int { return ix.n }

// Insert adds a Polygon or MultiPolygon (an orb.Ring counts as a Polygon
// of one ring) under id. Other geometries, which enclose no area, are not
// added. Holes are respected; rings may wind either way.
func (ix *Index[K]) Insert(id K, g orb.Geometry) {
	added := false
	switch g := g.(type) {
	case orb.Polygon:
		added = ix.insertPart(id, g, false)
	case orb.MultiPolygon:
		for _, p := range g {
			added = ix.insertPart(id, p, len(g) > 1) || added
		}
	case orb.Ring:
		added = ix.insertPart(id, orb.Polygon{g}, false)
	}
	if added {
		ix.n++
	}
}

// insertPart indexes one polygon and reports whether it had any points.
func (ix *Index[K]) insertPart(id K, p orb.Polygon, multi bool) bool {
	if len(p) == 0 || len(p[0]) == 0 {
		return false
	}
	part := indexedPart[K]{id: id, multi: multi, bound: p.Bound(), rings: p}
	part.bandedRings = newBandedRings(p, part.bound)
	ix.tree.Insert(part.bound.Min, part.bound.Max, &part)
	ix.parts++
	ix.grid.Store(nil)
	ix.noGrid.Store(false)
	ix.misses.Store(0)
	return true
}

// The R-tree answers gridWarmupPerPart point queries per part, plus
// gridWarmup, before the grid is built. Building costs about as much as
// ten R-tree queries per part (43 ms for Providence's 3,014 blocks, 77 ms
// for 10k grids), so an index queried little never builds one, and one
// whose inserts come between rounds of queries spends at most about as
// long rebuilding as querying.
const (
	gridWarmupPerPart = 8
	gridWarmup        = 64
)

// gridThreshold is the number of R-tree point queries after which the
// grid is built.
func (ix *Index[K]) gridThreshold() int64 {
	return int64(gridWarmupPerPart*ix.parts + gridWarmup)
}

// pointGrid returns the grid for point queries, building it when enough
// queries have come since the last Insert, or nil while the R-tree should
// answer.
func (ix *Index[K]) pointGrid() *pointGrid[K] {
	if g := ix.grid.Load(); g != nil {
		return g
	}
	if ix.noGrid.Load() || ix.misses.Add(1) <= ix.gridThreshold() {
		return nil
	}
	return ix.buildGrid()
}

// buildGrid builds the grid unless another goroutine has, and returns it
// (nil when the parts overlap too much for one).
func (ix *Index[K]) buildGrid() *pointGrid[K] {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if g := ix.grid.Load(); g != nil || ix.noGrid.Load() {
		return g
	}
	parts := make([]*indexedPart[K], 0, ix.parts)
	ix.tree.Scan(func(_, _ [2]float64, part *indexedPart[K]) bool {
		parts = append(parts, part)
		return true
	})
	lo, hi := ix.tree.Bounds()
	g := newPointGrid(parts, orb.Bound{Min: lo, Max: hi})
	if g == nil {
		ix.noGrid.Store(true)
		return nil
	}
	ix.grid.Store(g)
	return g
}

// Search calls iter with the id of every polygon containing p, until iter
// returns false. A MultiPolygon's id is given once (its valid parts do not
// overlap).
func (ix *Index[K]) Search(p orb.Point, iter func(id K) bool) {
	if g := ix.pointGrid(); g != nil {
		g.search(p, iter)
		return
	}
	ix.searchTree(p, iter)
}

// searchTree is Search through the R-tree.
func (ix *Index[K]) searchTree(p orb.Point, iter func(id K) bool) {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) {
		return
	}
	ix.tree.Search(p, p, func(_, _ [2]float64, part *indexedPart[K]) bool {
		if part.contains(p) {
			return iter(part.id)
		}
		return true
	})
}

// Lookup returns the id of a polygon containing p, and whether there is
// one. Over polygons that do not overlap (blocks, grids) it is the one.
func (ix *Index[K]) Lookup(p orb.Point) (K, bool) {
	if g := ix.pointGrid(); g != nil {
		return g.lookup(p)
	}
	return ix.lookupTree(p)
}

// lookupTree is Lookup through the R-tree.
func (ix *Index[K]) lookupTree(p orb.Point) (K, bool) {
	var id K
	found := false
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) {
		return id, false
	}
	ix.tree.Search(p, p, func(_, _ [2]float64, part *indexedPart[K]) bool {
		if part.contains(p) {
			id, found = part.id, true
			return false
		}
		return true
	})
	return id, found
}

// Intersecting calls iter with the id of every polygon that shares at least
// one point with the bound b (its interior, edges or corners), each id
// once, until iter returns false.
func (ix *Index[K]) Intersecting(b orb.Bound, iter func(id K) bool) {
	var seen map[K]bool
	ix.tree.Search(b.Min, b.Max, func(_, _ [2]float64, part *indexedPart[K]) bool {
		if part.multi && seen[part.id] {
			return true
		}
		if !part.intersectsBound(b) {
			return true
		}
		if part.multi {
			if seen == nil {
				seen = make(map[K]bool)
			}
			seen[part.id] = true
		}
		return iter(part.id)
	})
}

// intersectsBound reports whether the polygon and the rectangle meet: an
// edge touches the rectangle, or the rectangle lies inside the polygon.
func (part *indexedPart[K]) intersectsBound(b orb.Bound) bool {
	if b.Contains(part.bound.Min) && b.Contains(part.bound.Max) {
		return true
	}
	for _, r := range part.rings {
		for i := range r {
			if segmentMeetsBound(r[i], r[(i+1)%len(r)], b) {
				return true
			}
		}
	}
	return part.contains(b.Center())
}

// segmentMeetsBound reports whether the closed segment a-b meets the closed
// rectangle b, by clipping the segment's parameter range to each slab.
func segmentMeetsBound(a, c orb.Point, b orb.Bound) bool {
	t0, t1 := 0.0, 1.0
	for axis := 0; axis < 2; axis++ {
		d := c[axis] - a[axis]
		lo, hi := b.Min[axis], b.Max[axis]
		if d == 0 {
			if a[axis] < lo || a[axis] > hi {
				return false
			}
			continue
		}
		u0, u1 := (lo-a[axis])/d, (hi-a[axis])/d
		if u0 > u1 {
			u0, u1 = u1, u0
		}
		t0, t1 = math.Max(t0, u0), math.Min(t1, u1)
		if t0 > t1 {
			return false
		}
	}
	return true
}
