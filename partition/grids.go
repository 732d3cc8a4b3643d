package partition

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"wangge/geo"
)

// finish turns drafts into grids: geometry (the dissolved blocks),
// figures, flags, codes, in code order, and the report (whose Target is
// the mean basic weight, in both modes). progress (may be nil) is told the
// blocks of each grid done.
func finish(e *engine, blocks []Block, drafts []draft, opt Options, per window, progress func(int)) *Result {
	grids := make([]Grid, 0, len(drafts))
	for _, d := range drafts {
		gr := Grid{Kind: d.kind, Parent: d.parent, Flags: slices.Clone(d.flags)}
		d.blocks = e.withGlued(d.blocks)
		slices.SortFunc(d.blocks, func(a, b int32) int { return cmp.Compare(blocks[a].ID, blocks[b].ID) })
		parts := make([]orb.MultiPolygon, len(d.blocks))
		for i, v := range d.blocks {
			gr.Blocks = append(gr.Blocks, blocks[v].ID)
			gr.Weight += e.w0[v]
			parts[i] = blocks[v].Geometry
		}
		gr.Geometry = geo.Dissolve(parts)
		if !e.connected(d.blocks) {
			gr.Flags = append(gr.Flags, FlagDisconnected)
		} else if len(gr.Geometry) > 1 {
			gr.Flags = append(gr.Flags, FlagMultipart)
		}
		if d.kind == Basic && len(d.flags) == 0 && per.outside(gr.Weight) > 0 {
			gr.Flags = append(gr.Flags, FlagOutOfBounds)
		}
		measure(&gr)
		grids = append(grids, gr)
		if progress != nil {
			progress(len(d.blocks))
		}
	}
	Number(grids, opt.CodePrefix)
	rep := Summarize(grids, len(blocks), per.lo, per.hi)
	rep.WeightTotal = 0
	for _, x := range e.w0 {
		rep.WeightTotal += x
	}
	return &Result{Grids: grids, Report: rep}
}

// withGlued adds to vs the islands glued to its blocks (and to theirs).
func (e *engine) withGlued(vs []int32) []int32 {
	for i := 0; i < len(vs); i++ {
		vs = append(vs, e.glued[vs[i]]...)
	}
	return vs
}

// connected reports whether the blocks vs touch as one piece along shared
// boundaries (or --gap neighbourhood).
func (e *engine) connected(vs []int32) bool {
	if len(vs) <= 1 {
		return true
	}
	in := make(map[int32]bool, len(vs))
	for _, v := range vs {
		in[v] = false
	}
	in[vs[0]] = true
	stack, seen := []int32{vs[0]}, 1
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, u := range e.g.adj[x] {
			if done, ok := in[u]; ok && !done {
				in[u] = true
				seen++
				stack = append(stack, u)
			}
		}
	}
	return seen == len(vs)
}

// measure sets the geodesic area, perimeter, Polsby-Popper score
// (4πA/P²) and convex-hull ratio (A over the area of the convex hull) of
// a grid from its geometry.
func measure(g *Grid) {
	g.AreaM2 = geo.Area(g.Geometry)
	g.PerimeterM = geo.Perimeter(g.Geometry)
	g.PolsbyPopper = pp(g.AreaM2, g.PerimeterM)
	g.HullRatio = 0
	if h := hullArea(g.Geometry); h > 0 {
		g.HullRatio = math.Min(1, g.AreaM2/h)
	}
}

// hullArea is the geodesic area of the convex hull of a multipolygon:
// the hull is found in a local metric projection (geo.ConvexHull) and its
// ring projected back.
func hullArea(mp orb.MultiPolygon) float64 {
	if len(mp) == 0 {
		return 0
	}
	proj := geo.NewProjection(mp.Bound().Center())
	var pts []orb.Point
	for _, p := range mp {
		if len(p) > 0 {
			for _, pt := range p[0] {
				pts = append(pts, proj.Forward(pt))
			}
		}
	}
	ring := geo.ConvexHull(pts)
	if ring == nil {
		return 0
	}
	for i, q := range ring {
		ring[i] = proj.Inverse(q)
	}
	return geo.Area(orb.Polygon{ring})
}

// Number gives every grid its id in code order: rows of latitude bands
// from north to south, each band as tall as a typical grid (the square
// root of the mean grid area), grids in a row from west to east by the
// longitude of their centroid (ties by first block id). With a 12-digit
// prefix the id is the 15-digit code prefix+NNN (DB11/T 2157-2023),
// otherwise "G001", "G002", …. The grids are sorted into that order.
func Number(grids []Grid, prefix string) {
	order := codeOrder(grids)
	sorted := make([]Grid, len(grids))
	for i, j := range order {
		sorted[i] = grids[j]
		sorted[i].ID = code(prefix, i+1)
	}
	copy(grids, sorted)
}

func code(prefix string, seq int) GridID {
	if prefix == "" {
		return GridID(fmt.Sprintf("G%03d", seq))
	}
	return GridID(fmt.Sprintf("%s%03d", prefix, seq))
}

// codeOrder returns the indices of grids in code order (see Number).
func codeOrder(grids []Grid) []int {
	type key struct {
		i       int
		row     int
		lon     float64
		firstID BlockID
		lat     float64
	}
	keys := make([]key, len(grids))
	north, total := math.Inf(-1), 0.0
	for i, g := range grids {
		c, _ := centroid(g.Geometry)
		keys[i] = key{i: i, lon: c[0], lat: c[1]}
		if len(g.Blocks) > 0 {
			keys[i].firstID = g.Blocks[0]
		}
		north = math.Max(north, c[1])
		total += g.AreaM2
	}
	band := 1.0
	if len(grids) > 0 && total > 0 {
		band = math.Sqrt(total/float64(len(grids))) / 111320 // metres to degrees of latitude
	}
	for i := range keys {
		keys[i].row = int((north - keys[i].lat) / band)
	}
	slices.SortStableFunc(keys, func(a, b key) int {
		if a.row != b.row {
			return cmp.Compare(a.row, b.row)
		}
		if a.lon != b.lon {
			return cmp.Compare(a.lon, b.lon)
		}
		return cmp.Compare(a.firstID, b.firstID)
	})
	out := make([]int, len(keys))
	for i, k := range keys {
		out[i] = k.i
	}
	return out
}

// centroid is the planar area centroid of a multipolygon in degrees,
// good enough to order grids.
func centroid(mp orb.MultiPolygon) (orb.Point, float64) {
	var a, x, y float64
	for _, p := range mp {
		for _, r := range p {
			ra, rx, ry, _ := ringMoments(r)
			a, x, y = a+ra, x+rx, y+ry
		}
	}
	if a == 0 {
		return mp.Bound().Center(), 0
	}
	return orb.Point{x / a, y / a}, a
}
