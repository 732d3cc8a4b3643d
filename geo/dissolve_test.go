package geo_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"wangge/geo"
)

// sq is the square of side 0.001° with its lower-left corner at cell
// (i, j) near (120°E, 30°N), counter-clockwise.
func sq(i, j float64) orb.MultiPolygon {
	return rect(i, j, i+1, j+1)
}

func rect(x0, y0, x1, y1 float64) orb.MultiPolygon {
	p := func(x, y float64) orb.Point { return orb.Point{120 + x/1000, 30 + y/1000} }
	return orb.MultiPolygon{{{p(x0, y0), p(x1, y0), p(x1, y1), p(x0, y1), p(x0, y0)}}}
}

func TestDissolve(t *testing.T) {
	cell := 1e-6 // planar area of one square in degrees²
	tests := []struct {
		name           string
		parts          []orb.MultiPolygon
		polygons       int
		holes          int
		area           float64 // in squares
		touchingInside bool    // a hole touches its shell at a point
	}{
		{"one square", []orb.MultiPolygon{sq(0, 0)}, 1, 0, 1, false},
		{"shared edge", []orb.MultiPolygon{sq(0, 0), sq(1, 0)}, 1, 0, 2, false},
		{"extra vertex on one side", []orb.MultiPolygon{rect(0, 0, 1, 2), sq(1, 0), sq(1, 1)}, 1, 0, 4, false},
		{"corner touch only", []orb.MultiPolygon{sq(0, 0), sq(1, 1)}, 2, 0, 2, false},
		{"ring around a hole", ringOfSquares(), 1, 1, 8, false},
		{"hole touching the shell at a point", holeTouching(), 1, 1, 7, true},
		{"clockwise input", []orb.MultiPolygon{reverse(sq(0, 0)), sq(0, 1)}, 1, 0, 2, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := geo.Dissolve(tc.parts)
			if len(got) != tc.polygons {
				t.Fatalf("%d polygons, want %d: %v", len(got), tc.polygons, got)
			}
			holes := 0
			for _, p := range got {
				holes += len(p) - 1
				if planar.Area(p[0]) <= 0 {
					t.Errorf("exterior ring is not counter-clockwise")
				}
				for _, h := range p[1:] {
					if planar.Area(h) >= 0 {
						t.Errorf("hole is not clockwise")
					}
				}
			}
			if holes != tc.holes {
				t.Errorf("%d holes, want %d", holes, tc.holes)
			}
			if a := planar.Area(got) / cell; math.Abs(a-tc.area) > 1e-6 {
				t.Errorf("area %.6f squares, want %g", a, tc.area)
			}
			if err := geo.Validate(got); err != nil {
				t.Errorf("invalid result: %v", err)
			}
			if a, b := geo.Area(got), sumArea(tc.parts); math.Abs(a-b) > 1e-6*b {
				t.Errorf("geodesic area %.3f m², parts %.3f m²", a, b)
			}
		})
	}
}

// ringOfSquares is the 3×3 block of squares without its centre.
func ringOfSquares() []orb.MultiPolygon {
	var out []orb.MultiPolygon
	for i := range 3 {
		for j := range 3 {
			if i != 1 || j != 1 {
				out = append(out, sq(float64(i), float64(j)))
			}
		}
	}
	return out
}

// holeTouching is ringOfSquares without the top-right square as well: the
// hole then touches the notch at one point.
func holeTouching() []orb.MultiPolygon {
	all := ringOfSquares()
	return all[:len(all)-1]
}

func reverse(mp orb.MultiPolygon) orb.MultiPolygon {
	r := mp[0][0]
	out := make(orb.Ring, len(r))
	for i, p := range r {
		out[len(r)-1-i] = p
	}
	return orb.MultiPolygon{{out}}
}

func sumArea(parts []orb.MultiPolygon) float64 {
	var s float64
	for _, p := range parts {
		s += geo.Area(p)
	}
	return s
}
