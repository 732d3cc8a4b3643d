package geo

import (
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

// FuzzValidate checks that Validate never panics, that the R-tree search
// for self-intersections agrees with comparing every pair of segments, and
// that a valid polygon stays valid, with the same area, once oriented.
func FuzzValidate(f *testing.F) {
	f.Add([]byte{0, 0, 4, 0, 4, 4, 0, 4})                   // square
	f.Add([]byte{0, 0, 8, 0, 0, 8, 8, 8})                   // bow tie
	f.Add([]byte{0, 0, 8, 0, 4, 4, 8, 8, 0, 8, 4, 4})       // touches itself
	f.Add([]byte{0, 0, 8, 0, 8, 8, 8, 12, 8, 4, 0, 8})      // spike
	f.Add([]byte{0, 0, 8, 0, 8, 0, 8, 8, 0, 8})             // repeated point
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0}) // odd length
	f.Fuzz(func(t *testing.T, data []byte) {
		r := ringFromBytes(data)
		err := Validate(orb.Polygon{r})
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
		o := Orient(orb.Polygon{r})
		if err := Validate(o); err != nil {
			t.Fatalf("ring %v valid, oriented %v not: %v", r, o, err)
		}
		if a, b := Area(orb.Polygon{r}), Area(o); relErr(b, a) > 1e-9 {
			t.Fatalf("ring %v: area %v, oriented %v", r, a, b)
		}
	})
}
