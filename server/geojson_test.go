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

// FuzzParseBBox checks that an accepted bbox is ordered, in range, and
// reads back the same from its own rendering.
func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"-71.5,41.7,-71.3,41.9", "0,0,0,0", "1,2,3", "a,b,c,d", "10,0,5,1",
		"-180,-90,180,90", " 1, 2 ,3,4", "1e2,0,1e2,0", "NaN,0,1,1", "0x1p-2,0,1,1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := parseBBox(s)
		if err != nil {
			if _, ok := err.(*ParamError); !ok {
				t.Fatalf("error %T is not a *ParamError", err)
			}
			return
		}
		if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] || b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
			t.Fatalf("accepted %q as %v", s, b)
		}
		again, err := parseBBox(bboxParam(b))
		if err != nil || again != b {
			t.Fatalf("%q → %v → %q → %v, %v", s, b, bboxParam(b), again, err)
		}
	})
}
