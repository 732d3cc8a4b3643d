package data

import (
	"math"

	"github.com/paulmach/orb"
)

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
