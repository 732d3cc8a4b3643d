package geo

import (
	"bytes"
	"testing"

	"github.com/paulmach/orb"
)

// ringFromBytes makes a closed ring from byte pairs, on a small integer
// grid so that collinear runs, repeated vertices and touching edges are
// common.
func ringFromBytes(data []byte) orb.Ring {
	var r orb.Ring
	for i := 0; i+1 < len(data); i += 2 {
		r = append(r, orb.Point{float64(data[i]%16) / 4, float64(data[i+1]%16) / 4})
	}
	if len(r) > 0 {
		r = append(r, r[0])
	}
	return r
}

// polygonFromBytes splits data at 0xff bytes into the rings of a polygon.
func polygonFromBytes(data []byte) orb.Polygon {
	var p orb.Polygon
	for _, part := range bytes.Split(data, []byte{0xff}) {
		p = append(p, ringFromBytes(part))
	}
	return p
}

// FuzzValidate checks that Validate never panics, that the R-tree search
// for self-intersections agrees with comparing every pair of segments, and
// that a valid polygon stays valid, with the same area, once oriented.
// Rings after the first (split at 0xff bytes) are holes.
func FuzzValidate(f *testing.F) {
	f.Add([]byte{0, 0, 4, 0, 4, 4, 0, 4})                                                                     // square
	f.Add([]byte{0, 0, 8, 0, 0, 8, 8, 8})                                                                     // bow tie
	f.Add([]byte{0, 0, 8, 0, 4, 4, 8, 8, 0, 8, 4, 4})                                                         // touches itself
	f.Add([]byte{0, 0, 8, 0, 8, 8, 8, 12, 8, 4, 0, 8})                                                        // spike
	f.Add([]byte{0, 0, 8, 0, 8, 0, 8, 8, 0, 8})                                                               // repeated point
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0})                                                   // odd length
	f.Add([]byte{0, 0, 12, 0, 12, 12, 0, 12, 0xff, 4, 4, 4, 8, 8, 8, 8, 4})                                   // square with a hole
	f.Add([]byte{0, 0, 8, 0, 8, 8, 0, 8, 0xff, 6, 2, 6, 4, 10, 4, 10, 2})                                     // hole crossing the shell
	f.Add([]byte{0, 0, 15, 0, 15, 15, 0, 15, 0xff, 2, 2, 2, 12, 12, 12, 12, 2, 0xff, 4, 4, 4, 6, 6, 6, 6, 4}) // nested holes
	f.Fuzz(func(t *testing.T, data []byte) {
		poly := polygonFromBytes(data)
		r := poly[0]
		err := Validate(poly)
		// Deduplicate as checkRing does, then compare both searches.
		var pts []orb.Point
		for i, p := range r {
			if i == 0 || p != r[i-1] {
				pts = append(pts, p)
			}
		}
		if len(pts) >= 4 {
			v1, ok1 := selfIntersectionPairs(pts)
			v2, ok2 := selfIntersectionTree(pts)
			if ok1 != ok2 || v1 != v2 {
				t.Fatalf("ring %v: pairs say (%d, %v), tree says (%d, %v)", r, v1, ok1, v2, ok2)
			}
		}
		if err != nil {
			return
		}
		o := Orient(poly)
		if err := Validate(o); err != nil {
			t.Fatalf("polygon %v valid, oriented %v not: %v", poly, o, err)
		}
		if a, b := Area(poly), Area(o); relErr(b, a) > 1e-9 {
			t.Fatalf("polygon %v: area %v, oriented %v", poly, a, b)
		}
	})
}
