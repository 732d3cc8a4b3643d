package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// GCJ-02 ("Mars coordinates", used by AMap/Gaode and Tencent maps) is
// WGS-84 plus a published obfuscating offset of a few hundred metres,
// computed on the Krasovsky 1940 ellipsoid. BD-09 (Baidu) is GCJ-02
// further rotated and scaled about the origin. Both forward directions are
// closed formulas; the inverses are solved by fixed-point iteration.
const (
	gcjA  = 6378245.0              // Krasovsky 1940 semi-major axis, m
	gcjE2 = 0.00669342162296594323 // Krasovsky 1940 eccentricity squared
	bdXPi = math.Pi * 3000 / 180

	// inverseTol is the convergence threshold of the inverse iterations,
	// in degrees: about 0.1 mm, well inside the 1 cm the inverses promise.
	inverseTol = 1e-9
	inverseMax = 30
)

// outOfChina is the usual rough bounding-box test: GCJ-02 applies no
// offset outside it.
func outOfChina(p orb.Point) bool {
	return p[0] < 72.004 || p[0] > 137.8347 || p[1] < 0.8293 || p[1] > 55.8271
}

// WGS84ToGCJ02 converts a WGS-84 point to GCJ-02. Outside China it
// returns p unchanged.
func WGS84ToGCJ02(p orb.Point) orb.Point {
	if outOfChina(p) {
		return p
	}
	x, y := p[0]-105, p[1]-35
	dLat := gcjShiftLat(x, y)
	dLon := gcjShiftLon(x, y)
	sinLat, cosLat := math.Sincos(p[1] * rad)
	magic := 1 - gcjE2*sinLat*sinLat
	sqrtMagic := math.Sqrt(magic)
	dLat = dLat / (gcjA * (1 - gcjE2) / (magic * sqrtMagic) * rad)
	dLon = dLon / (gcjA / sqrtMagic * cosLat * rad)
	return orb.Point{p[0] + dLon, p[1] + dLat}
}

// gcjShiftLat and gcjShiftLon are the offset polynomials of GCJ-02, in
// metres, of the point's position relative to (105°E, 35°N).
func gcjShiftLat(x, y float64) float64 {
	s := -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	s += gcjWave(x)
	s += (20*math.Sin(y*math.Pi) + 40*math.Sin(y/3*math.Pi)) * 2 / 3
	s += (160*math.Sin(y/12*math.Pi) + 320*math.Sin(y/30*math.Pi)) * 2 / 3
	return s
}

func gcjShiftLon(x, y float64) float64 {
	s := 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	s += gcjWave(x)
	s += (20*math.Sin(x*math.Pi) + 40*math.Sin(x/3*math.Pi)) * 2 / 3
	s += (150*math.Sin(x/12*math.Pi) + 300*math.Sin(x/30*math.Pi)) * 2 / 3
	return s
}

// gcjWave is the term both offsets share.
func gcjWave(x float64) float64 {
	return (20*math.Sin(6*x*math.Pi) + 20*math.Sin(2*x*math.Pi)) * 2 / 3
}

// GCJ02ToWGS84 converts a GCJ-02 point back to WGS-84, to better than 1 cm.
// Outside China it returns p unchanged.
func GCJ02ToWGS84(p orb.Point) orb.Point {
	if outOfChina(p) {
		return p
	}
	return invert(p, p, WGS84ToGCJ02)
}

// GCJ02ToBD09 converts a GCJ-02 point to BD-09.
func GCJ02ToBD09(p orb.Point) orb.Point {
	x, y := p[0], p[1]
	z := math.Hypot(x, y) + 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) + 0.000003*math.Cos(x*bdXPi)
	return orb.Point{z*math.Cos(theta) + 0.0065, z*math.Sin(theta) + 0.006}
}

// BD09ToGCJ02 converts a BD-09 point to GCJ-02, to better than 1 cm. (The
// common closed formula, which inverts the rotation and scaling only
// approximately, is the starting guess.)
func BD09ToGCJ02(p orb.Point) orb.Point {
	x, y := p[0]-0.0065, p[1]-0.006
	z := math.Hypot(x, y) - 0.00002*math.Sin(y*bdXPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdXPi)
	guess := orb.Point{z * math.Cos(theta), z * math.Sin(theta)}
	return invert(p, guess, GCJ02ToBD09)
}

// WGS84ToBD09 converts a WGS-84 point to BD-09 (through GCJ-02).
func WGS84ToBD09(p orb.Point) orb.Point { return GCJ02ToBD09(WGS84ToGCJ02(p)) }

// BD09ToWGS84 converts a BD-09 point to WGS-84 (through GCJ-02).
func BD09ToWGS84(p orb.Point) orb.Point { return GCJ02ToWGS84(BD09ToGCJ02(p)) }

// invert solves forward(q) = target for q by fixed-point iteration from
// guess; the forward maps are small smooth offsets, so each step shrinks
// the error by orders of magnitude.
func invert(target, guess orb.Point, forward func(orb.Point) orb.Point) orb.Point {
	q := guess
	for i := 0; i < inverseMax; i++ {
		f := forward(q)
		dx, dy := f[0]-target[0], f[1]-target[1]
		q = orb.Point{q[0] - dx, q[1] - dy}
		if math.Abs(dx) < inverseTol && math.Abs(dy) < inverseTol {
			break
		}
	}
	return q
}
