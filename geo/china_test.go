package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// Published reference pairs. Sources:
//   - wandergis/coordtransform, test/app.js (the JavaScript library most
//     Chinese web-map code copies): input (116.404, 39.915) in each system.
//   - googollee/eviltransform, python/test.py: WGS-84 → GCJ-02 for
//     Shanghai, Shenzhen and Beijing.
//   - hujiulong/gcoord, test/unit/crs/GCJ02.spec.js: (123, 45), checked
//     there to 5 decimals.
//
// The two inverse pairs of coordtransform come from its one-step
// approximations (gcj02towgs84 subtracts the offset found at the GCJ-02
// point; bd09togcj02 undoes the rotation approximately), which are off the
// exact inverse by a few centimetres; they are checked to 1e-6 degree.
var chinaReference = []struct {
	name    string
	convert func(orb.Point) orb.Point
	in      orb.Point
	want    orb.Point
	tol     float64 // degrees
}{
	{"coordtransform wgs84togcj02", WGS84ToGCJ02, orb.Point{116.404, 39.915}, orb.Point{116.41024449916938, 39.91640428150164}, 1e-9},
	{"coordtransform gcj02tobd09", GCJ02ToBD09, orb.Point{116.404, 39.915}, orb.Point{116.41036949371029, 39.92133699351021}, 1e-9},
	{"coordtransform gcj02towgs84", GCJ02ToWGS84, orb.Point{116.404, 39.915}, orb.Point{116.39775550083061, 39.91359571849836}, 1e-6},
	{"coordtransform bd09togcj02", BD09ToGCJ02, orb.Point{116.404, 39.915}, orb.Point{116.39762729119315, 39.90865673957631}, 1e-6},
	{"eviltransform shanghai", WGS84ToGCJ02, orb.Point{121.5272106, 31.1774276}, orb.Point{121.531541859215, 31.17530398364597}, 1e-9},
	{"eviltransform shenzhen", WGS84ToGCJ02, orb.Point{113.912316, 22.543847}, orb.Point{113.9171764808363, 22.540796131694766}, 1e-9},
	{"eviltransform beijing", WGS84ToGCJ02, orb.Point{116.377817, 39.911954}, orb.Point{116.38404722455657, 39.91334545536069}, 1e-9},
	{"gcoord gcj02 to wgs84", GCJ02ToWGS84, orb.Point{123, 45}, orb.Point{122.99395597, 44.99804071}, 5e-6},
	{"gcoord gcj02 to bd09", GCJ02ToBD09, orb.Point{123, 45}, orb.Point{123.00636499, 45.00636899}, 5e-6},
	{"outside china wgs84togcj02", WGS84ToGCJ02, orb.Point{-71.4128, 41.824}, orb.Point{-71.4128, 41.824}, 0},
	{"outside china gcj02towgs84", GCJ02ToWGS84, orb.Point{2.3522, 48.8566}, orb.Point{2.3522, 48.8566}, 0},
}

func TestChinaReferencePairs(t *testing.T) {
	for _, tc := range chinaReference {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.convert(tc.in)
			if math.Abs(got[0]-tc.want[0]) > tc.tol || math.Abs(got[1]-tc.want[1]) > tc.tol {
				t.Errorf("%v → %.12f, want %.12f (±%g°)", tc.in, got, tc.want, tc.tol)
			}
		})
	}
}

// TestChinaRoundTrips converts random points across China there and back:
// the inverses must undo the forward conversions to under 1 cm.
func TestChinaRoundTrips(t *testing.T) {
	pairs := []struct {
		name        string
		there, back func(orb.Point) orb.Point
	}{
		{"wgs84-gcj02", WGS84ToGCJ02, GCJ02ToWGS84},
		{"gcj02-bd09", GCJ02ToBD09, BD09ToGCJ02},
		{"wgs84-bd09", WGS84ToBD09, BD09ToWGS84},
		{"gcj02-wgs84", GCJ02ToWGS84, WGS84ToGCJ02},
		{"bd09-wgs84", BD09ToWGS84, WGS84ToBD09},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, 2000)
	for i := range pts {
		pts[i] = orb.Point{73.5 + rng.Float64()*61.5, 18 + rng.Float64()*35.5}
	}
	for _, tc := range pairs {
		t.Run(tc.name, func(t *testing.T) {
			var worst float64
			for _, p := range pts {
				q := tc.there(p)
				if d := Distance(p, q); d < 1 || d > 2000 {
					t.Fatalf("%v → %v moves %.1f m, want an offset of metres to a few hundred", p, q, d)
				}
				worst = math.Max(worst, Distance(tc.back(q), p))
			}
			if worst > 0.01 {
				t.Errorf("round trip off by up to %.4f m, want < 0.01 m", worst)
			}
			t.Logf("worst round trip error %.2g m over %d points", worst, len(pts))
		})
	}
}
