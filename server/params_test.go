package server

import (
	"net/url"
	"testing"
)

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

// FuzzListParams checks that any query either fails with a *ParamError or
// gives a usable query: a limit in range and an ordered bbox.
func FuzzListParams(f *testing.F) {
	for _, s := range []string{"", "limit=10", "bbox=1,2,3,4&limit=5&after=x", "crs=gcj02&bbox=117,34,118,35",
		"crs=bd09&crs=bd09", "limit=-1", "foo=bar", "bbox=%zz", "after=&limit=10000", "crs=gcj02&bbox=180,90,180,90"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := parseListParams(q, DefaultLimit)
		if err != nil {
			if _, ok := err.(*ParamError); !ok {
				t.Fatalf("error %T %v is not a *ParamError", err, err)
			}
			return
		}
		if p.Limit < 1 || p.Limit > MaxLimit {
			t.Fatalf("%q: limit %d", raw, p.Limit)
		}
		if b := p.BBox; b != nil && (b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1]) {
			t.Fatalf("%q: bbox %v is not ordered", raw, *b)
		}
	})
}
