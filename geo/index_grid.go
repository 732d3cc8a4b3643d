package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// pointGrid answers point queries for an Index without walking the R-tree:
// a uniform grid of cells over the index's bounds, each cell listing the
// parts whose polygon meets it. A part whose polygon covers a cell entirely
// is marked, and a point in that cell is inside it without a
// point-in-polygon test. Parts are listed in the cells their edges touch
// (tested against the cell rectangle) and in the cells whose centre they
// contain; the rest of a part's bounding box is outside it and not listed.
//
// Each cell's rectangle is taken a little larger than the cell (by
// cellMargin of its width, more than any rounding when a point is mapped
// to its cell), so a point mapped to a cell is at a clear distance from
// the edges of the parts that cover it and the cover flag agrees exactly
// with the crossing test: the grid answers what the R-tree path answers,
// on boundaries too.
type pointGrid[K comparable] struct {
	min, max     orb.Point // the bounds of all parts
	invW, invH   float64   // cells per degree
	cellW, cellH float64   // degrees per cell
	cols, rows   int
	// cells holds one word per cell, row by row: coverOnly|i when part i
	// alone meets the cell and covers it all (the common case inside a
	// tiling),
	// else where the cell's list starts in entries. A list is the parts'
	// positions in parts, or their complements (^i, negative) for parts
	// covering the whole cell, those first, and ends with listEnd; an
	// empty cell points at the listEnd at entries[0]. Words are 4 bytes
	// and ids sit in their own dense slice, so that a lookup touches
	// little memory: a covered cell one word and one id.
	cells   []uint32
	entries []int32
	parts   []*indexedPart[K]
	ids     []K
}

const (
	coverOnly = 1 << 31           // flags a cell word naming its one covering part
	listEnd   = math.MinInt32     // ends each list in entries
	maxParts  = math.MaxInt32 - 1 // parts a grid can number
)

const (
	// cellsPerPart sets the grid's size: about this many cells per
	// indexed part, up to maxCells. Then most cells of a tiling of blocks
	// or grids lie inside one polygon and need no point-in-polygon test,
	// and the others list two or three. (Measured with cachegrind over
	// the 10k grids of the benchmarks: 16 cells per part cost 340
	// instructions and 8 L1 misses a lookup, 64 cost 270 and 6, and 206
	// and 4.9 once covered cells answered from their word; 128 was
	// slower in wall time, the cell table no longer fitting in cache.)
	cellsPerPart = 64
	// maxCells caps the grid at 16 MB of cell words.
	maxCells = 1 << 22
	// maxPartsPerCell gives up on the grid (and leaves lookups to the
	// R-tree) when the parts' bounding boxes overlap so much that cells
	// would list more than this many parts on average.
	maxPartsPerCell = 16
	// cellMargin is how much, as a fraction of a cell's width or height,
	// each cell's rectangle is enlarged on every side when testing edges.
	cellMargin = 1e-6
	// absMargin is added to the margin so that it stays above rounding
	// when the cells are tiny or the grid is one cell wide.
	absMargin = 1e-12
)

// newPointGrid builds the grid over parts, whose bounds together are b. It
// returns nil when the parts overlap too much for a grid to help.
func newPointGrid[K comparable](parts []*indexedPart[K], b orb.Bound) *pointGrid[K] {
	g := &pointGrid[K]{min: b.Min, max: b.Max, parts: parts, ids: make([]K, len(parts))}
	for i, part := range parts {
		g.ids[i] = part.id
	}
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	n := float64(min(len(parts)*cellsPerPart, maxCells))
	switch {
	case w > 0 && h > 0:
		g.cols = max(int(math.Round(math.Sqrt(n*w/h))), 1)
		g.rows = max(int(math.Round(n/float64(g.cols))), 1)
	case w > 0:
		g.cols, g.rows = max(int(n), 1), 1
	default:
		g.cols, g.rows = 1, max(int(n), 1)
	}
	if w > 0 {
		g.invW, g.cellW = float64(g.cols)/w, w/float64(g.cols)
	}
	if h > 0 {
		g.invH, g.cellH = float64(g.rows)/h, h/float64(g.rows)
	}
	spans := 0
	for _, part := range parts {
		x0, x1 := g.span(part.bound.Min[0], part.bound.Max[0], g.min[0], g.invW, g.cols)
		y0, y1 := g.span(part.bound.Min[1], part.bound.Max[1], g.min[1], g.invH, g.rows)
		spans += (x1 - x0 + 1) * (y1 - y0 + 1)
	}
	if spans > maxPartsPerCell*g.cols*g.rows || len(parts) > maxParts {
		return nil
	}
	g.fill(parts)
	return g
}

// cellEntry is an entry waiting to be sorted into its cell.
type cellEntry struct {
	cell  int32
	entry int32
}

// fill lists each part in the cells it meets: sorts the entries by cell,
// covering parts first, then sets each cell's word and list.
func (g *pointGrid[K]) fill(parts []*indexedPart[K]) {
	var found []cellEntry
	var touched []bool
	for i := range parts {
		found, touched = g.place(i, found, touched)
	}
	start := make([]int, g.cols*g.rows+1)
	for _, e := range found {
		start[e.cell+1]++
	}
	for c := 1; c < len(start); c++ {
		start[c] += start[c-1]
	}
	next := append([]int(nil), start...)
	sorted := make([]int32, len(found))
	for _, cover := range []bool{true, false} {
		for _, e := range found {
			if (e.entry < 0) == cover {
				sorted[next[e.cell]] = e.entry
				next[e.cell]++
			}
		}
	}
	g.cells = make([]uint32, g.cols*g.rows)
	g.entries = []int32{listEnd}
	for c := range g.cells {
		switch list := sorted[start[c]:start[c+1]]; {
		case len(list) == 1 && list[0] < 0:
			g.cells[c] = coverOnly | uint32(^list[0])
		case len(list) > 0:
			g.cells[c] = uint32(len(g.entries))
			g.entries = append(append(g.entries, list...), listEnd)
		}
	}
}

// place appends the cells that part i meets to found. touched is scratch
// space, returned for reuse.
func (g *pointGrid[K]) place(i int, found []cellEntry, touched []bool) ([]cellEntry, []bool) {
	part := g.parts[i]
	x0, x1 := g.span(part.bound.Min[0], part.bound.Max[0], g.min[0], g.invW, g.cols)
	y0, y1 := g.span(part.bound.Min[1], part.bound.Max[1], g.min[1], g.invH, g.rows)
	nx := x1 - x0 + 1
	touched = append(touched[:0], make([]bool, nx*(y1-y0+1))...)
	for _, r := range part.rings {
		for j := range r {
			a, c := r[j], r[(j+1)%len(r)]
			ex0, ex1 := g.span(min(a[0], c[0]), max(a[0], c[0]), g.min[0], g.invW, g.cols)
			ey0, ey1 := g.span(min(a[1], c[1]), max(a[1], c[1]), g.min[1], g.invH, g.rows)
			for cy := max(ey0, y0); cy <= min(ey1, y1); cy++ {
				for cx := max(ex0, x0); cx <= min(ex1, x1); cx++ {
					k := (cy-y0)*nx + cx - x0
					if !touched[k] && segmentMeetsBound(a, c, g.cellBound(cx, cy)) {
						touched[k] = true
					}
				}
			}
		}
	}
	for cy := y0; cy <= y1; cy++ {
		for cx := x0; cx <= x1; cx++ {
			cell := int32(cy*g.cols + cx)
			if touched[(cy-y0)*nx+cx-x0] {
				found = append(found, cellEntry{cell, int32(i)})
			} else if part.contains(g.cellBound(cx, cy).Center()) {
				found = append(found, cellEntry{cell, ^int32(i)})
			}
		}
	}
	return found, touched
}

// span returns the first and last cells along one axis whose enlarged
// rectangles meet [lo, hi]; origin, inv and n are the axis's start, cells
// per degree and number of cells.
func (g *pointGrid[K]) span(lo, hi, origin, inv float64, n int) (int, int) {
	first := int(math.Floor((lo-origin)*inv - 2*cellMargin))
	last := int(math.Floor((hi-origin)*inv + 2*cellMargin))
	return min(max(first, 0), n-1), min(max(last, 0), n-1)
}

// cellBound is the rectangle of cell (cx, cy), enlarged by the margin.
func (g *pointGrid[K]) cellBound(cx, cy int) orb.Bound {
	mx, my := g.cellW*cellMargin+absMargin, g.cellH*cellMargin+absMargin
	x, y := g.min[0]+float64(cx)*g.cellW, g.min[1]+float64(cy)*g.cellH
	return orb.Bound{
		Min: orb.Point{x - mx, y - my},
		Max: orb.Point{x + g.cellW + mx, y + g.cellH + my},
	}
}

// search calls iter with the id of every part containing p, until iter
// returns false.
func (g *pointGrid[K]) search(p orb.Point, iter func(id K) bool) {
	w := g.cell(p)
	if w&coverOnly != 0 {
		iter(g.ids[w&^coverOnly])
		return
	}
	for i := w; g.entries[i] != listEnd; i++ {
		e := g.entries[i]
		if e < 0 {
			if !iter(g.ids[^e]) {
				return
			}
		} else if g.parts[e].contains(p) && !iter(g.ids[e]) {
			return
		}
	}
}

// lookup returns the id of the first part containing p.
func (g *pointGrid[K]) lookup(p orb.Point) (K, bool) {
	w := g.cell(p)
	if w&coverOnly != 0 {
		return g.ids[w&^coverOnly], true
	}
	for i := w; g.entries[i] != listEnd; i++ {
		e := g.entries[i]
		if e < 0 {
			return g.ids[^e], true
		}
		if g.parts[e].contains(p) {
			return g.ids[e], true
		}
	}
	var none K
	return none, false
}

// cell returns the word of the cell holding p; a point outside the bounds
// (or NaN) gets an empty cell's.
func (g *pointGrid[K]) cell(p orb.Point) uint32 {
	x, y := p[0], p[1]
	if !(x >= g.min[0] && x <= g.max[0] && y >= g.min[1] && y <= g.max[1]) {
		return 0
	}
	cx := min(int((x-g.min[0])*g.invW), g.cols-1)
	cy := min(int((y-g.min[1])*g.invH), g.rows-1)
	return g.cells[cy*g.cols+cx]
}
