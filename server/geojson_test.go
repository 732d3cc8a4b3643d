package server

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"
)

func TestOutputGeometry(t *testing.T) {
	cw := orb.Ring{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}
	ccwHole := orb.Ring{{0.2, 0.2}, {0.4, 0.2}, {0.4, 0.4}, {0.2, 0.4}, {0.2, 0.2}}
	cases := []struct {
		name     string
		in       orb.MultiPolygon
		wantType string
	}{
		{"clockwise shell is turned", orb.MultiPolygon{{cw.Clone()}}, "Polygon"},
		{"counter-clockwise hole is turned", orb.MultiPolygon{{cw.Clone(), ccwHole.Clone()}}, "Polygon"},
		{"two polygons stay a MultiPolygon", orb.MultiPolygon{{cw.Clone()}, {cw.Clone()}}, "MultiPolygon"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := outputGeometry(tc.in, crsWGS84)
			if g.Type != tc.wantType {
				t.Fatalf("type %s, want %s", g.Type, tc.wantType)
			}
			checkOrientation(t, tc.name, g.Geometry())
		})
	}
	if g := outputGeometry(nil, crsWGS84); g != nil {
		t.Errorf("no polygons: %v, want null", g)
	}
	in := cw.Clone()
	outputGeometry(orb.MultiPolygon{{in}}, crsGCJ02)
	if !in.Equal(cw) {
		t.Error("outputGeometry changed its input")
	}
}

func TestRoundCoord(t *testing.T) {
	// Expected values worked out by hand at 7 decimals.
	cases := []struct{ in, want float64 }{
		{120.123456749, 120.1234567},
		{120.12345675001, 120.1234568},
		{-71.43634, -71.43634},
		{0.00000004, 0},
		{-0.00000006, -0.0000001},
		{180, 180},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.in), func(t *testing.T) {
			if got := roundCoord(tc.in); got != tc.want {
				t.Errorf("roundCoord(%v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
