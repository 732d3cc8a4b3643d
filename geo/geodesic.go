package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// WGS-84 ellipsoid.
const (
	wgsA  = 6378137.0         // semi-major axis, m
	wgsF  = 1 / 298.257223563 // flattening
	wgsB  = wgsA * (1 - wgsF) // semi-minor axis, m
	wgsE2 = wgsF * (2 - wgsF) // first eccentricity squared
	rad   = math.Pi / 180     // degrees to radians
)

// Authalic sphere: the sphere with the ellipsoid's surface area, onto which
// the ellipsoid maps with areas preserved when latitude φ is replaced by
// the authalic latitude β = asin(q(φ)/q(90°)).
var (
	wgsE     = math.Sqrt(wgsE2)
	qPole    = authalicQ(1)
	authalR2 = wgsA * wgsA * qPole / 2 // squared authalic radius, m²
)

// authalicQ is q(φ) of the authalic latitude, given sin φ.
func authalicQ(sinPhi float64) float64 {
	es := wgsE * sinPhi
	return (1 - wgsE2) * (sinPhi/(1-es*es) - math.Log((1-es)/(1+es))/(2*wgsE))
}

// halfTanAuthalic returns tan(β/2) for the authalic latitude β of a
// geodetic latitude in degrees, from sin β = q(φ)/q(90°) without inverse
// trigonometry: tan(β/2) = sin β / (1 + cos β).
func halfTanAuthalic(latDeg float64) float64 {
	s := math.Max(-1, math.Min(1, authalicQ(math.Sin(latDeg*rad))/qPole))
	return s / (1 + math.Sqrt(1-s*s))
}

// Area returns the area in square metres of a Polygon or MultiPolygon (or a
// lone Ring) on the WGS-84 ellipsoid: holes subtract, rings may wind either
// way, and the result is never negative. Other geometries have no area and
// give 0.
//
// The rings are mapped to the authalic sphere, which preserves area, and
// the area is the spherical excess of the great-circle polygon there. Edges
// that are geodesics on the ellipsoid are not quite great circles on the
// authalic sphere: for edges up to 100 km the area agrees with PostGIS's
// geodesic ST_Area to one part in a million, for 3000 km edges to 1e-4.
// Rings that enclose a pole are not supported.
func Area(g orb.Geometry) float64 {
	switch g := g.(type) {
	case orb.Polygon:
		return polygonArea(g)
	case orb.MultiPolygon:
		var sum float64
		for _, p := range g {
			sum += polygonArea(p)
		}
		return sum
	case orb.Ring:
		return math.Abs(ringArea(g))
	}
	return 0
}

func polygonArea(p orb.Polygon) float64 {
	if len(p) == 0 {
		return 0
	}
	a := math.Abs(ringArea(p[0]))
	for _, h := range p[1:] {
		a -= math.Abs(ringArea(h))
	}
	return math.Max(a, 0)
}

// ringArea is the signed area of a ring (positive counter-clockwise), in m².
// Each edge contributes the excess of the triangle it makes with the north
// pole: tan(E/2) = tan(Δλ/2)·(t1+t2)/(1+t1·t2), t = tan(β/2).
func ringArea(r orb.Ring) float64 {
	n := len(r)
	if n < 3 {
		return 0
	}
	if r[0] == r[n-1] {
		n--
	}
	var sum float64
	prev := r[n-1]
	tPrev := halfTanAuthalic(prev[1])
	for i := 0; i < n; i++ {
		cur := r[i]
		t := halfTanAuthalic(cur[1])
		dl := normLon(cur[0]-prev[0]) * rad
		sum += 2 * math.Atan2(math.Tan(dl/2)*(tPrev+t), 1+tPrev*t)
		prev, tPrev = cur, t
	}
	// The triangles are measured from the north pole, so the sum is the
	// negated counter-clockwise area of the part the ring encloses.
	return sum * authalR2
}

// normLon brings a longitude difference in degrees into (-180, 180].
func normLon(d float64) float64 {
	for d > 180 {
		d -= 360
	}
	for d <= -180 {
		d += 360
	}
	return d
}

// Perimeter returns the total geodesic length in metres of every ring of a
// Polygon or MultiPolygon (or a lone Ring); other geometries give 0.
func Perimeter(g orb.Geometry) float64 {
	var sum float64
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			sum += Length(orb.LineString(r))
		}
	case orb.MultiPolygon:
		for _, p := range g {
			sum += Perimeter(p)
		}
	case orb.Ring:
		sum = Length(orb.LineString(g))
	}
	return sum
}

// Length returns the geodesic length in metres of a line string.
func Length(ls orb.LineString) float64 {
	var sum float64
	for i := 1; i < len(ls); i++ {
		sum += Distance(ls[i-1], ls[i])
	}
	return sum
}

// Distance returns the geodesic distance in metres between two points
// (lon, lat in degrees) on the WGS-84 ellipsoid, by Vincenty's inverse
// method (accurate to a fraction of a millimetre). For nearly antipodal
// points, where that iteration does not converge, it finds the shortest
// path through an intermediate point instead (see viaMidpoint), which is
// slower (a fraction of a millisecond) but as accurate.
func Distance(a, b orb.Point) float64 {
	if a == b {
		return 0
	}
	if d, ok := vincenty(a, b); ok {
		return d
	}
	return viaMidpoint(a, b)
}

// vincenty is Vincenty's (1975) inverse formula; ok is false when the
// longitude iteration does not converge.
func vincenty(a, b orb.Point) (float64, bool) {
	L := normLon(b[0]-a[0]) * rad
	u1 := math.Atan((1 - wgsF) * math.Tan(a[1]*rad))
	u2 := math.Atan((1 - wgsF) * math.Tan(b[1]*rad))
	sinU1, cosU1 := math.Sincos(u1)
	sinU2, cosU2 := math.Sincos(u2)
	sinDU := math.Sin(u2 - u1)

	lambda := L
	for iter := 0; iter < 200; iter++ {
		sinL, cosL := math.Sincos(lambda)
		x := cosU2 * sinL
		// cosU1·sinU2 − sinU1·cosU2·cosλ, written to keep short lines exact.
		sinHalf := math.Sin(lambda / 2)
		y := sinDU + 2*sinU1*cosU2*sinHalf*sinHalf
		sinSigma := math.Hypot(x, y)
		cosSigma := sinU1*sinU2 + cosU1*cosU2*cosL
		if sinSigma == 0 {
			return 0, cosSigma > 0 // coincident; antipodal points need the fallback
		}
		sigma := math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinL / sinSigma
		cos2Alpha := 1 - sinAlpha*sinAlpha
		cos2SigmaM := 0.0 // both points on the equator
		if cos2Alpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		}
		C := wgsF / 16 * cos2Alpha * (4 + wgsF*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-C)*wgsF*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda) > math.Pi {
			return 0, false
		}
		// Converged to 1e-12 and, for short lines (λ ~ 1e-10), to a part
		// in 1e9 of λ, or they would stop while λ is still off by a part
		// in a thousand.
		if math.Abs(lambda-prev) <= math.Min(1e-12, 1e-9*math.Abs(lambda)) {
			u2sq := cos2Alpha * (wgsA*wgsA - wgsB*wgsB) / (wgsB * wgsB)
			A := 1 + u2sq/16384*(4096+u2sq*(-768+u2sq*(320-175*u2sq)))
			B := u2sq / 1024 * (256 + u2sq*(-128+u2sq*(74-47*u2sq)))
			c2 := cos2SigmaM * cos2SigmaM
			dSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*c2)-B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*c2)))
			return wgsB * A * (sigma - dSigma), true
		}
	}
	return 0, false
}

// viaMidpoint measures nearly antipodal points, where Vincenty's
// iteration fails, as the shortest two-leg path a → m → b with m on the
// great circle 90° from a. Every path from a to b (more than 90° away)
// crosses that circle, so by the triangle inequality the minimum over m is
// the geodesic distance, and each leg, a quarter of the globe, is within
// Vincenty's reach. The minimum is bracketed by sampling the circle and
// refined by golden-section search.
func viaMidpoint(a, b orb.Point) float64 {
	va := unitVector(a)
	e1 := cross3(va, [3]float64{0, 0, 1})
	if norm3(e1) < 1e-9 {
		e1 = [3]float64{1, 0, 0} // a is a pole
	}
	e1 = scale3(e1, 1/norm3(e1))
	e2 := cross3(va, e1)
	legs := func(theta float64) float64 {
		s, c := math.Sincos(theta)
		p := pointOf(add3(scale3(e1, c), scale3(e2, s)))
		d1, ok1 := vincenty(a, p)
		d2, ok2 := vincenty(p, b)
		if !ok1 || !ok2 {
			return math.Inf(1)
		}
		return d1 + d2
	}
	const samples = 72
	step := 2 * math.Pi / samples
	best, bestTheta := math.Inf(1), 0.0
	for i := 0; i < samples; i++ {
		if f := legs(float64(i) * step); f < best {
			best, bestTheta = f, float64(i)*step
		}
	}
	// Golden-section search on [best-step, best+step].
	const invPhi = 0.6180339887498949
	lo, hi := bestTheta-step, bestTheta+step
	x1, x2 := hi-invPhi*(hi-lo), lo+invPhi*(hi-lo)
	f1, f2 := legs(x1), legs(x2)
	for hi-lo > 1e-12 {
		if f1 < f2 {
			hi, x2, f2 = x2, x1, f1
			x1 = hi - invPhi*(hi-lo)
			f1 = legs(x1)
		} else {
			lo, x1, f1 = x1, x2, f2
			x2 = lo + invPhi*(hi-lo)
			f2 = legs(x2)
		}
	}
	return math.Min(best, math.Min(f1, f2))
}

func unitVector(p orb.Point) [3]float64 {
	sinLat, cosLat := math.Sincos(p[1] * rad)
	sinLon, cosLon := math.Sincos(p[0] * rad)
	return [3]float64{cosLat * cosLon, cosLat * sinLon, sinLat}
}

// pointOf returns the lon, lat of the direction of v.
func pointOf(v [3]float64) orb.Point {
	return orb.Point{math.Atan2(v[1], v[0]) / rad, math.Atan2(v[2], math.Hypot(v[0], v[1])) / rad}
}

func add3(a, b [3]float64) [3]float64 { return [3]float64{a[0] + b[0], a[1] + b[1], a[2] + b[2]} }

func scale3(a [3]float64, k float64) [3]float64 { return [3]float64{a[0] * k, a[1] * k, a[2] * k} }

func norm3(a [3]float64) float64 { return math.Sqrt(a[0]*a[0] + a[1]*a[1] + a[2]*a[2]) }

func cross3(a, b [3]float64) [3]float64 {
	return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

// MetresPerDegree returns the length in metres of one degree of longitude
// and of latitude at latitude lat (degrees) on the WGS-84 ellipsoid: the
// radii of curvature in the prime vertical (times cos lat) and in the
// meridian, in metres per degree. Scaled by them, small differences of
// lon, lat are metres east and north: a local equirectangular estimate of
// short distances.
func MetresPerDegree(lat float64) (kx, ky float64) {
	sin, cos := math.Sincos(lat * rad)
	w := 1 - wgsE2*sin*sin
	n := wgsA / math.Sqrt(w)                     // prime vertical radius of curvature
	m := wgsA * (1 - wgsE2) / (w * math.Sqrt(w)) // meridian radius of curvature
	return n * cos * rad, m * rad
}
