package geo

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"wangge/data/pgtest"
)

var projectionOrigins = []struct {
	name   string
	origin orb.Point
}{
	{"providence", providenceCentre},
	{"beijing", orb.Point{116.404, 39.915}},
	{"equator", orb.Point{0, 0}},
	{"southern", orb.Point{151.2093, -33.8688}},
	{"high latitude", orb.Point{25.7, 66.5}},
}

// offsets returns points around o up to about 20 km away.
func offsets(o orb.Point) []orb.Point {
	var pts []orb.Point
	for _, d := range []float64{0, 0.001, 0.01, 0.05, 0.2} {
		for _, a := range []float64{0, 1, 2, 3, 4, 5} {
			s, c := math.Sincos(a)
			pts = append(pts, orb.Point{o[0] + d*c, o[1] + d*s})
		}
	}
	return pts
}

// TestProjectionMatchesPROJ compares Forward with PROJ's ellipsoidal
// orthographic projection (run by PostGIS's ST_Transform), which is the
// same tangent-plane projection.
func TestProjectionMatchesPROJ(t *testing.T) {
	conn := pgtest.Conn(t)
	for _, tc := range projectionOrigins {
		t.Run(tc.name, func(t *testing.T) {
			pr := NewProjection(tc.origin)
			to := fmt.Sprintf("+proj=ortho +lat_0=%.10f +lon_0=%.10f +ellps=WGS84", tc.origin[1], tc.origin[0])
			pts := offsets(tc.origin)
			lons, lats := make([]float64, len(pts)), make([]float64, len(pts))
			for i, p := range pts {
				lons[i], lats[i] = p[0], p[1]
			}
			rows, err := conn.Query(context.Background(), `
				SELECT ST_X(g), ST_Y(g) FROM (
					SELECT i, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), 4326), '+proj=longlat +datum=WGS84 +no_defs', $3) g
					FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS u(x, y, i)) s
				ORDER BY i`, lons, lats, to)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			i := 0
			for ; rows.Next(); i++ {
				var x, y float64
				if err := rows.Scan(&x, &y); err != nil {
					t.Fatal(err)
				}
				got := pr.Forward(pts[i])
				if math.Hypot(got[0]-x, got[1]-y) > 0.001 {
					t.Errorf("Forward(%v) = %.4f, PROJ ortho (%.4f, %.4f)", pts[i], got, x, y)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if i != len(pts) {
				t.Fatalf("PROJ gave %d points of %d", i, len(pts))
			}
		})
	}
}

func TestProjection(t *testing.T) {
	for _, tc := range projectionOrigins {
		t.Run(tc.name, func(t *testing.T) {
			pr := NewProjection(tc.origin)
			if o := pr.Forward(tc.origin); math.Hypot(o[0], o[1]) > 1e-6 {
				t.Errorf("Forward(origin) = %v", o)
			}
			for _, p := range offsets(tc.origin) {
				if back := pr.Inverse(pr.Forward(p)); Distance(back, p) > 1e-4 {
					t.Errorf("Inverse(Forward(%v)) = %v, %.3g m off", p, back, Distance(back, p))
				}
				// Within 1 km the plane distance is the geodesic one to 1e-6.
				xy := pr.Forward(p)
				if d := Distance(tc.origin, p); d > 0 && d < 1000 {
					if e := relErr(math.Hypot(xy[0], xy[1]), d); e > 1e-6 {
						t.Errorf("%v: plane distance %.4f m, geodesic %.4f m", p, math.Hypot(xy[0], xy[1]), d)
					}
				}
			}
			east := pr.Forward(orb.Point{tc.origin[0] + 0.001, tc.origin[1]})
			north := pr.Forward(orb.Point{tc.origin[0], tc.origin[1] + 0.001})
			if east[0] <= 0 || math.Abs(east[1]) > 0.01 || north[1] <= 0 || math.Abs(north[0]) > 1e-6 {
				t.Errorf("axes wrong: east %v, north %v", east, north)
			}
		})
	}
}

func TestProjectionZeroValue(t *testing.T) {
	var zero Projection
	p := orb.Point{0.001, 0.002}
	if got, want := zero.Forward(p), NewProjection(orb.Point{}).Forward(p); got != want {
		t.Errorf("zero Projection Forward = %v, NewProjection((0,0)) %v", got, want)
	}
}
