package geo

import (
	"errors"
	"fmt"
)

// Sentinel errors wrapped by *InvalidError; test for them with errors.Is.
var (
	// ErrNotPolygon is returned by Validate for a geometry that is not a
	// Polygon or MultiPolygon.
	ErrNotPolygon = errors.New("geo: geometry is not a polygon or multipolygon")
	// ErrUnclosedRing means a ring's last point differs from its first.
	ErrUnclosedRing = errors.New("geo: ring is not closed")
	// ErrTooFewPoints means a ring has fewer than three distinct vertices
	// (four points counting the closing one).
	ErrTooFewPoints = errors.New("geo: ring has too few points")
	// ErrBadCoordinate means a coordinate is NaN, infinite, or outside
	// longitude [-180, 180] or latitude [-90, 90].
	ErrBadCoordinate = errors.New("geo: bad coordinate")
	// ErrSelfIntersection means a ring crosses or touches itself anywhere
	// other than where its closing point meets its first, or two rings of
	// one polygon cross or share a stretch of boundary.
	ErrSelfIntersection = errors.New("geo: ring intersects itself")
	// ErrHoleOutside means a hole is not inside its polygon's exterior ring.
	ErrHoleOutside = errors.New("geo: hole is outside the exterior ring")
	// ErrNestedHole means a hole lies inside another hole of the polygon.
	ErrNestedHole = errors.New("geo: hole is inside another hole")
)

// InvalidError says where a polygon is invalid: the polygon's index in a
// MultiPolygon (0 for a Polygon), the ring's index in that polygon (0 is
// the exterior) and the vertex index in that ring, or -1 when the problem
// is not at one place. For a self-intersection the vertex is where the ring
// touches itself, or else the first vertex of the later of the two segments
// that cross. It wraps one of the sentinel errors above.
type InvalidError struct {
	Polygon, Ring, Vertex int
	Reason                error
}

// Error names the place and the reason.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("%v (polygon %d, ring %d, vertex %d)", e.Reason, e.Polygon, e.Ring, e.Vertex)
}

// Unwrap returns the sentinel reason, so errors.Is works.
func (e *InvalidError) Unwrap() error { return e.Reason }
