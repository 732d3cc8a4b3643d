package geo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/uber/h3-go/v4"
)

// Cell returns the H3 cell of resolution res (0–15) holding p; for a
// resolution out of range or a bad coordinate it returns 0, which is not a
// valid cell.
func Cell(p orb.Point, res int) h3.Cell {
	return h3.LatLngToCell(h3.NewLatLng(p[1], p[0]), res)
}

// Cells returns the H3 cells of resolution res whose centres lie inside a
// Polygon or MultiPolygon (holes respected), sorted and without repeats.
// Other geometries, and resolutions outside 0–15, give no cells.
func Cells(g orb.Geometry, res int) []h3.Cell {
	if res < 0 || res > h3.MaxResolution {
		return nil
	}
	var out []h3.Cell
	switch g := g.(type) {
	case orb.Polygon:
		out = h3.PolygonToCells(geoPolygon(g), res)
	case orb.MultiPolygon:
		for _, p := range g {
			out = append(out, h3.PolygonToCells(geoPolygon(p), res)...)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	k := 0
	for i, c := range out {
		if i == 0 || c != out[k-1] {
			out[k] = c
			k++
		}
	}
	return out[:k]
}

// geoPolygon converts an orb polygon to h3's form (open loops, lat/lng).
func geoPolygon(p orb.Polygon) h3.GeoPolygon {
	var gp h3.GeoPolygon
	for i, r := range p {
		loop := geoLoop(r)
		if i == 0 {
			gp.GeoLoop = loop
		} else {
			gp.Holes = append(gp.Holes, loop)
		}
	}
	return gp
}

func geoLoop(r orb.Ring) h3.GeoLoop {
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	loop := make(h3.GeoLoop, n)
	for i := 0; i < n; i++ {
		loop[i] = h3.NewLatLng(r[i][1], r[i][0])
	}
	return loop
}

// CellPolygon returns the outline of an H3 cell: one closed,
// counter-clockwise ring (nil for an invalid cell).
func CellPolygon(c h3.Cell) orb.Polygon {
	if !c.IsValid() {
		return nil
	}
	b := h3.CellToBoundary(c)
	r := make(orb.Ring, 0, len(b)+1)
	for _, v := range b {
		r = append(r, orb.Point{v.Lng, v.Lat})
	}
	r = append(r, r[0])
	return orb.Polygon{r}
}

// CellsToMultiPolygon dissolves a set of H3 cells into their outline: one
// polygon per connected group of cells, exterior rings counter-clockwise,
// holes clockwise. Repeated and invalid cells are ignored; cells that
// cross the antimeridian are not supported.
//
// Each cell contributes its boundary edges; an edge whose reverse belongs
// to a neighbouring cell of the set is interior and cancels. What is left
// chains into rings (at every H3 vertex exactly three cells meet, so each
// vertex starts at most one remaining edge).
func CellsToMultiPolygon(cells []h3.Cell) orb.MultiPolygon {
	type edge struct{ from, to vertexKey }
	edges := make(map[edge]bool)
	pos := make(vertexPool)
	seen := make(map[h3.Cell]bool, len(cells))
	for _, c := range cells {
		if seen[c] {
			continue
		}
		seen[c] = true
		outline := CellPolygon(c)
		if outline == nil {
			continue
		}
		ring := outline[0]
		for i := 0; i+1 < len(ring); i++ {
			a, b := pos.key(ring[i]), pos.key(ring[i+1])
			if edges[edge{b, a}] {
				delete(edges, edge{b, a}) // shared with a neighbour: interior
				continue
			}
			edges[edge{a, b}] = true
		}
	}
	next := make(map[vertexKey]vertexKey, len(edges))
	for e := range edges {
		next[e.from] = e.to
	}
	starts := make([]vertexKey, 0, len(next))
	for k := range next {
		starts = append(starts, k)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i].less(starts[j]) })

	var shells []orb.Polygon
	var holes []orb.Ring
	for _, s := range starts {
		if _, ok := next[s]; !ok {
			continue // already used by an earlier ring
		}
		var r orb.Ring
		for k := s; ; {
			r = append(r, pos[k])
			n, ok := next[k]
			if !ok {
				break
			}
			delete(next, k)
			k = n
			if k == s {
				break
			}
		}
		r = append(r, r[0])
		if planarSignedArea(r) > 0 {
			shells = append(shells, orb.Polygon{r})
		} else {
			holes = append(holes, r)
		}
	}
	// A hole belongs to the smallest shell around it (a shell may sit
	// inside another's hole).
	for _, h := range holes {
		best := -1
		for i := range shells {
			if ringContains(shells[i][0], h[0]) && (best < 0 ||
				math.Abs(planarSignedArea(shells[i][0])) < math.Abs(planarSignedArea(shells[best][0]))) {
				best = i
			}
		}
		if best >= 0 {
			shells[best] = append(shells[best], h)
		}
	}
	return orb.MultiPolygon(shells)
}

// vertexKey identifies a cell vertex by its coordinates on a 1e-9 degree
// (0.1 mm) grid.
type vertexKey struct{ x, y int64 }

// vertexPool gives each cell vertex one key. Neighbouring cells compute
// their shared vertices separately and may disagree in the last bits, which
// can put the two copies on either side of a grid line; so a vertex within
// vertexTol of one already seen in the surrounding grid squares takes that
// one's key. Distinct H3 vertices are over 1e-6 degree apart.
type vertexPool map[vertexKey]orb.Point

const vertexTol = 1e-10

func (vp vertexPool) key(p orb.Point) vertexKey {
	k := vertexKey{int64(math.Round(p[0] * 1e9)), int64(math.Round(p[1] * 1e9))}
	if _, ok := vp[k]; ok {
		return k
	}
	for dx := int64(-1); dx <= 1; dx++ {
		for dy := int64(-1); dy <= 1; dy++ {
			n := vertexKey{k.x + dx, k.y + dy}
			if q, ok := vp[n]; ok && math.Abs(q[0]-p[0]) < vertexTol && math.Abs(q[1]-p[1]) < vertexTol {
				return n
			}
		}
	}
	vp[k] = p
	return k
}

func (k vertexKey) less(o vertexKey) bool {
	if k.x != o.x {
		return k.x < o.x
	}
	return k.y < o.y
}

// ringContains is the even-odd test of p against one ring.
func ringContains(r orb.Ring, p orb.Point) bool {
	in := false
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
			in = !in
		}
	}
	return in
}
