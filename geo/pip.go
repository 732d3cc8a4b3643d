package geo

import "github.com/paulmach/orb"

// bandedRings is a polygon's edges prepared for fast point-in-polygon
// tests: sorted into horizontal bands, so that a test reads only the few
// edges level with the point. The test is the crossing rule described on
// Index.
type bandedRings struct {
	bandLo   float64 // y of the bottom of band 0
	bandInvH float64 // bands per degree of y
	nbands   int
	// edges holds each band's edges in turn: band k's are
	// edges[bandStart[k]:bandStart[k+1]].
	edges     []bandEdge
	bandStart []int32
}

// bandEdge is an edge with its lower end first (so that two polygons
// sharing an edge compute identical crossings) and its inverse slope.
type bandEdge struct {
	x0, y0, y1, dxdy float64
}

// edgesPerBand is the number of edges a band holds on average; bands are
// made until that is reached, up to maxBands.
const (
	edgesPerBand = 4
	maxBands     = 1024
)

// newBandedRings prepares the rings of p, whose bound is b.
func newBandedRings(p orb.Polygon, b orb.Bound) bandedRings {
	var edges []bandEdge
	for _, r := range p {
		for i := range r {
			a, c := r[i], r[(i+1)%len(r)]
			if a[1] == c[1] {
				continue // horizontal edges never count as crossings
			}
			if a[1] > c[1] {
				a, c = c, a
			}
			edges = append(edges, bandEdge{x0: a[0], y0: a[1], y1: c[1], dxdy: (c[0] - a[0]) / (c[1] - a[1])})
		}
	}
	nb := min(max(len(edges)/edgesPerBand, 1), maxBands)
	br := bandedRings{bandLo: b.Min[1], nbands: nb}
	if h := b.Max[1] - b.Min[1]; h > 0 {
		br.bandInvH = float64(nb) / h
	}
	bands := make([][]bandEdge, nb)
	for _, e := range edges {
		lo, hi := br.band(e.y0), br.band(e.y1)
		for k := lo; k <= hi; k++ {
			bands[k] = append(bands[k], e)
		}
	}
	br.bandStart = make([]int32, nb+1)
	for k, band := range bands {
		br.edges = append(br.edges, band...)
		br.bandStart[k+1] = int32(len(br.edges))
	}
	return br
}

// band returns the band holding y, clamped to the existing bands.
func (br *bandedRings) band(y float64) int {
	k := int((y - br.bandLo) * br.bandInvH)
	return min(max(k, 0), br.nbands-1)
}

// contains is the crossing-number test described on Index.
func (br *bandedRings) contains(p orb.Point) bool {
	x, y := p[0], p[1]
	in := false
	k := br.band(y)
	for _, e := range br.edges[br.bandStart[k]:br.bandStart[k+1]] {
		if e.y0 <= y && y < e.y1 && x < e.x0+(y-e.y0)*e.dxdy {
			in = !in
		}
	}
	return in
}
