package osm

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/osm"

	"wangge/geo"
	"wangge/partition"
)

// boundaryShare is the share of street nodes an administrative boundary
// must hold to be the one blocks are clipped to.
const boundaryShare = 0.5

// cutLines returns the lines that bound blocks: the streets, the coastline,
// railways and rivers (isBarrier), the outlines of institutions (a campus is a block of its own) and the
// rings of an outline (the administrative boundary when there is one, else
// the convex hull of the streets and buildings), and the test for a face's
// interior point being inside the outline and on land.
func (res *Result) cutLines(d *osmData, lines []orb.LineString) ([]orb.LineString, func(orb.Point) bool) {
	res.Boundary, res.BoundaryName = chooseBoundary(d, lines)
	outline := res.Boundary
	if outline == nil {
		var pts []orb.Point
		for _, l := range lines {
			pts = append(pts, l...)
		}
		for _, w := range d.ways {
			if w.Tags.Find("building") != "" {
				runs, _ := d.wayLines(w)
				for _, r := range runs {
					pts = append(pts, r...)
				}
			}
		}
		if hull := geo.ConvexHull(pts); hull != nil {
			outline = orb.MultiPolygon{{hull}}
		}
	}
	coast := d.coastline()
	all := append(append([]orb.LineString(nil), lines...), coast...)
	all = appendRings(all, outline)
	for _, w := range d.ways {
		if isBarrier(w.Tags) {
			runs, _ := d.wayLines(w)
			all = append(all, runs...)
		}
	}
	d.eachArea(func(tags osm.Tags, g orb.Geometry) {
		if _, _, inst, ok := coverKind(tags); ok && inst {
			all = appendRings(all, g)
		}
	})
	return all, func(pt orb.Point) bool {
		return planar.MultiPolygonContains(outline, pt) && coast.land(pt)
	}
}

// appendRings appends the rings of a Polygon or MultiPolygon as lines.
func appendRings(lines []orb.LineString, g orb.Geometry) []orb.LineString {
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			lines = append(lines, orb.LineString(r))
		}
	case orb.MultiPolygon:
		for _, p := range g {
			lines = appendRings(lines, p)
		}
	}
	return lines
}

// chooseBoundary picks, among the complete administrative boundary
// relations of the extract, the one of lowest admin_level that holds at
// least boundaryShare of the street nodes.
func chooseBoundary(d *osmData, lines []orb.LineString) (orb.MultiPolygon, string) {
	var pts []orb.Point
	for _, l := range lines {
		pts = append(pts, l...)
	}
	var best orb.MultiPolygon
	bestName, bestLevel := "", math.MaxInt
	for _, rel := range d.relations {
		if rel.Tags.Find("boundary") != "administrative" {
			continue
		}
		level, err := strconv.Atoi(rel.Tags.Find("admin_level"))
		if err != nil || level >= bestLevel {
			continue
		}
		mp, ok := d.relationPolygons(rel)
		if !ok {
			continue
		}
		mp = geo.Orient(mp).(orb.MultiPolygon)
		idx := geo.NewIndex[int]()
		idx.Insert(0, mp)
		in := 0
		for _, p := range pts {
			if _, ok := idx.Lookup(p); ok {
				in++
			}
		}
		if float64(in) >= boundaryShare*float64(len(pts)) {
			best, bestName, bestLevel = mp, rel.Tags.Find("name"), level
		}
	}
	return best, bestName
}

// cover is an area that gives blocks a kind.
type cover struct {
	kind, name  string
	rank        int
	institution bool
}

// institutionShare is the share of a block an institution must cover to
// make it that institution's block; landuseShare the share any other
// covering area must reach to give its kind.
const (
	institutionShare = 0.4
	landuseShare     = 0.25
)

// samplesPerSide is the side of the lattice of points a block is sampled
// with to find what covers it.
const samplesPerSide = 16

// classifyBlocks sets each block's kind and name from the areas covering
// it, sampled on a lattice of points inside the block.
func (res *Result) classifyBlocks(d *osmData) {
	idx := geo.NewIndex[int]()
	var covers []cover
	add := func(tags osm.Tags, g orb.Geometry) {
		if kind, rank, inst, ok := coverKind(tags); ok {
			idx.Insert(len(covers), g)
			covers = append(covers, cover{kind: kind, name: tags.Find("name"), rank: rank, institution: inst})
		}
	}
	d.eachArea(add)
	for i := range res.Blocks {
		b := &res.Blocks[i]
		pts := samplePoints(b.Geometry)
		hits := make(map[int]int)
		for _, p := range pts {
			idx.Search(p, func(c int) bool { hits[c]++; return true })
		}
		share := func(c int) float64 { return float64(hits[c]) / float64(len(pts)) }
		best := pickCover(hits, covers, func(c int) bool { return covers[c].institution && share(c) >= institutionShare })
		if best < 0 {
			best = pickCover(hits, covers, func(c int) bool { return share(c) >= landuseShare })
		}
		if best >= 0 {
			b.Kind, b.Name = covers[best].kind, covers[best].name
		}
	}
}

// pickCover returns the cover with the most sample hits among those ok
// accepts (ties to the lower rank, then the earlier cover), or -1.
func pickCover(hits map[int]int, covers []cover, ok func(c int) bool) int {
	best := -1
	for c, n := range hits {
		if !ok(c) {
			continue
		}
		if best < 0 || n > hits[best] || n == hits[best] &&
			(covers[c].rank < covers[best].rank || covers[c].rank == covers[best].rank && c < best) {
			best = c
		}
	}
	return best
}

// eachArea calls f with the tags and geometry of every closed way and
// assembled multipolygon relation.
func (d *osmData) eachArea(f func(osm.Tags, orb.Geometry)) {
	for _, w := range d.ways {
		if len(w.Tags) == 0 {
			continue
		}
		if r, ok := d.wayRing(w); ok {
			f(w.Tags, orb.Polygon{r})
		}
	}
	for _, rel := range d.relations {
		if rel.Tags.Find("type") != "multipolygon" {
			continue
		}
		if mp, ok := d.relationPolygons(rel); ok {
			f(rel.Tags, mp)
		}
	}
}

// samplePoints returns the points of a lattice over the block's bounds that
// fall inside it, or an interior point when none does.
func samplePoints(mp orb.MultiPolygon) []orb.Point {
	b := mp.Bound()
	idx := geo.NewIndex[int]()
	idx.Insert(0, mp)
	var pts []orb.Point
	for i := 0; i < samplesPerSide; i++ {
		for j := 0; j < samplesPerSide; j++ {
			p := orb.Point{
				b.Min[0] + (float64(i)+0.5)/samplesPerSide*(b.Max[0]-b.Min[0]),
				b.Min[1] + (float64(j)+0.5)/samplesPerSide*(b.Max[1]-b.Min[1]),
			}
			if _, ok := idx.Lookup(p); ok {
				pts = append(pts, p)
			}
		}
	}
	if len(pts) == 0 {
		if p, ok := geo.InteriorPoint(mp[0]); ok {
			pts = append(pts, p)
		}
	}
	return pts
}

// blockIndex indexes the blocks by position in res.Blocks.
func (res *Result) blockIndex() *geo.Index[int] {
	idx := geo.NewIndex[int]()
	for i, b := range res.Blocks {
		idx.Insert(i, b.Geometry)
	}
	return idx
}

// finishBlock sets a block's kind when no area gave it one, its
// population from its households, and the attribution.
func finishBlock(b *partition.Block, householdSize float64) {
	if b.Kind == "" {
		b.Kind = "other"
		if b.Households > 0 {
			b.Kind = "residential"
		}
	}
	b.Population = int(float64(b.Households)*householdSize + 0.5)
	b.Attrs["attribution"] = OSMAttribution
}

// coastline is the extract's natural=coastline ways, which OSM draws with
// the land on their left.
type coastline []orb.LineString

// coastline collects the coastline ways.
func (d *osmData) coastline() coastline {
	var c coastline
	for _, w := range d.ways {
		if w.Tags.Find("natural") == "coastline" {
			runs, _ := d.wayLines(w)
			c = append(c, runs...)
		}
	}
	return c
}

// land reports whether p is on the land side of the nearest piece of
// coastline (true when there is no coastline). At a vertex nearest to p,
// p is on land when it is left of both segments around a left turn, or of
// either around a right turn. Distances are planar in lon/lat scaled by
// the cosine of p's latitude.
func (c coastline) land(p orb.Point) bool {
	kx := math.Cos(p[1] * math.Pi / 180)
	best, land := math.Inf(1), true
	for _, run := range c {
		for i := 0; i+1 < len(run); i++ {
			a, b := run[i], run[i+1]
			dx, dy := (b[0]-a[0])*kx, b[1]-a[1]
			px, py := (p[0]-a[0])*kx, p[1]-a[1]
			f := 0.0
			if l2 := dx*dx + dy*dy; l2 > 0 {
				f = math.Max(0, math.Min(1, (px*dx+py*dy)/l2))
			}
			ex, ey := px-f*dx, py-f*dy
			dist := ex*ex + ey*ey
			if dist >= best {
				continue
			}
			best = dist
			left := dx*py-dy*px > 0
			switch {
			case f == 1 && i+2 < len(run):
				land = cornerSide(a, b, run[i+2], p)
			case f == 0 && i > 0:
				land = cornerSide(run[i-1], a, b, p)
			default:
				land = left
			}
		}
	}
	return land
}

// cornerSide tells the side of p nearest the vertex v between segments
// u→v and v→w.
func cornerSide(u, v, w, p orb.Point) bool {
	l1 := turn(u, v, p) > 0
	l2 := turn(v, w, p) > 0
	if turn(u, v, w) > 0 {
		return l1 && l2
	}
	return l1 || l2
}

// turn is the cross product (b-a)×(c-a): positive for a left turn.
func turn(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}
