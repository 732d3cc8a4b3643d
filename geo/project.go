package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Projection is a local metric projection around an origin: points on the
// WGS-84 ellipsoid are projected orthogonally onto the plane tangent to the
// ellipsoid at the origin, with x metres east and y metres north of it.
// Distances are true to one part in 10⁸ within 1 km of the origin and
// one part in 10⁵ within 50 km, which suits buffers, simplification
// tolerances and snapping in metres over a city; it is not meant for
// points hundreds of kilometres away. The zero value is the projection
// around (0, 0).
type Projection struct {
	origin         orb.Point
	ox, oy, oz     float64 // origin in earth-centred coordinates, m
	sinLat, cosLat float64
	sinLon, cosLon float64
}

// NewProjection returns the projection around origin (lon, lat in degrees).
func NewProjection(origin orb.Point) Projection {
	p := Projection{origin: origin}
	p.sinLat, p.cosLat = math.Sincos(origin[1] * rad)
	p.sinLon, p.cosLon = math.Sincos(origin[0] * rad)
	p.ox, p.oy, p.oz = ecef(origin[0], origin[1], 0)
	return p
}

// Origin returns the point the projection was made around.
func (p Projection) Origin() orb.Point { return p.origin }

// Forward maps a WGS-84 point (lon, lat in degrees) to plane coordinates
// (x east, y north, metres from the origin).
func (p Projection) Forward(pt orb.Point) orb.Point {
	if p.cosLat == 0 && p.sinLat == 0 {
		p = NewProjection(p.origin)
	}
	x, y, z := ecef(pt[0], pt[1], 0)
	dx, dy, dz := x-p.ox, y-p.oy, z-p.oz
	e := -p.sinLon*dx + p.cosLon*dy
	n := -p.sinLat*p.cosLon*dx - p.sinLat*p.sinLon*dy + p.cosLat*dz
	return orb.Point{e, n}
}

// Inverse maps plane coordinates back to a WGS-84 point: the point on the
// ellipsoid below (x, y) along the origin's vertical. Round trips agree to
// well under a millimetre within 100 km of the origin.
func (p Projection) Inverse(xy orb.Point) orb.Point {
	if p.cosLat == 0 && p.sinLat == 0 {
		p = NewProjection(p.origin)
	}
	// Up-component of the ellipsoid point, refined by Newton steps on the
	// height above the ellipsoid (the height changes one-for-one with u).
	u := 0.0
	var lon, lat float64
	for i := 0; i < 6; i++ {
		x, y, z := p.fromENU(xy[0], xy[1], u)
		var h float64
		lon, lat, h = geodetic(x, y, z)
		if math.Abs(h) < 1e-6 {
			break
		}
		u -= h
	}
	return orb.Point{lon, lat}
}

// fromENU converts east, north, up metres at the origin to earth-centred
// coordinates.
func (p Projection) fromENU(e, n, u float64) (x, y, z float64) {
	x = p.ox - p.sinLon*e - p.sinLat*p.cosLon*n + p.cosLat*p.cosLon*u
	y = p.oy + p.cosLon*e - p.sinLat*p.sinLon*n + p.cosLat*p.sinLon*u
	z = p.oz + p.cosLat*n + p.sinLat*u
	return x, y, z
}

// ecef converts geodetic lon, lat (degrees) and height (m) to earth-centred
// earth-fixed coordinates in metres.
func ecef(lonDeg, latDeg, h float64) (x, y, z float64) {
	sinLat, cosLat := math.Sincos(latDeg * rad)
	sinLon, cosLon := math.Sincos(lonDeg * rad)
	nu := wgsA / math.Sqrt(1-wgsE2*sinLat*sinLat)
	return (nu + h) * cosLat * cosLon, (nu + h) * cosLat * sinLon, (nu*(1-wgsE2) + h) * sinLat
}

// geodetic converts earth-centred coordinates to lon, lat (degrees) and
// height (m), iterating on latitude (converges to 1e-12 rad in a few steps
// for points near the surface).
func geodetic(x, y, z float64) (lonDeg, latDeg, h float64) {
	lon := math.Atan2(y, x)
	r := math.Hypot(x, y)
	lat := math.Atan2(z, r*(1-wgsE2))
	for i := 0; i < 10; i++ {
		sinLat := math.Sin(lat)
		nu := wgsA / math.Sqrt(1-wgsE2*sinLat*sinLat)
		next := math.Atan2(z+wgsE2*nu*sinLat, r)
		done := math.Abs(next-lat) < 1e-14
		lat = next
		if done {
			break
		}
	}
	sinLat, cosLat := math.Sincos(lat)
	nu := wgsA / math.Sqrt(1-wgsE2*sinLat*sinLat)
	if cosLat > 1e-10 {
		h = r/cosLat - nu
	} else {
		h = math.Abs(z) - nu*(1-wgsE2)
	}
	return lon / rad, lat / rad, h
}
