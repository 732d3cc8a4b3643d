package ogc

import (
	"errors"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"
)

var shanghai = func() *time.Location {
	z, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return z
}()

func TestParseDatetime(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	var zero time.Time
	for _, tc := range []struct {
		in       string
		from, to time.Time
		fail     bool
	}{
		{"2026-11-05", at("2026-11-04T16:00:00Z"), at("2026-11-05T16:00:00Z"), false}, // that day in the zone
		{"2026-11-05T08:00:00+08:00", at("2026-11-05T00:00:00Z"), at("2026-11-05T00:00:00.000000001Z"), false},
		{"2026-11-01/2026-12-01", at("2026-10-31T16:00:00Z"), at("2026-11-30T16:00:00Z"), false},
		{"../2026-12-01", zero, at("2026-11-30T16:00:00Z"), false},
		{"2026-11-01T00:00:00Z/..", at("2026-11-01T00:00:00Z"), zero, false},
		{"2026-11-01/", at("2026-10-31T16:00:00Z"), zero, false},
		{"../..", zero, zero, false},
		{"2026-12-01/2026-11-01", zero, zero, true}, // ends before it starts
		{"2026-11-01/2026-11-01", zero, zero, true}, // empty
		{"2026-13-01", zero, zero, true},
		{"yesterday", zero, zero, true},
		{"2026-11-01/tomorrow", zero, zero, true},
	} {
		w, err := parseDatetime(tc.in, shanghai)
		var pe *ParamError
		switch {
		case tc.fail && (!errors.As(err, &pe) || pe.Param != "datetime" || pe.Reason == ""):
			t.Errorf("%q: error %v, want a ParamError on datetime with a reason", tc.in, err)
		case !tc.fail && (err != nil || !w.From.Equal(tc.from) || !w.To.Equal(tc.to)):
			t.Errorf("%q: [%v, %v), %v; want [%v, %v)", tc.in, w.From, w.To, err, tc.from, tc.to)
		}
	}
}

func TestParseItems(t *testing.T) {
	queryables := map[string]string{"kind": "string", "households": "integer"}
	for _, tc := range []struct {
		query string
		check func(itemsParams) bool
		bad   string // the parameter refused
	}{
		{"", func(p itemsParams) bool {
			return p.Limit == DefaultLimit && p.CRS == CRS84 && p.BBox == nil && p.Filter == nil
		}, ""},
		{"kind=school&households=412&limit=5", func(p itemsParams) bool {
			return p.Limit == 5 && len(p.Filter) == 2 && p.Filter["kind"] == "school" && p.Filter["households"] == "412"
		}, ""},
		{"limit=20000", func(p itemsParams) bool { return p.Limit == MaxLimit }, ""},
		{"bbox=7.40,43.72,0,7.44,43.75,100", func(p itemsParams) bool {
			return p.BBox != nil && p.BBox.Min[0] == 7.40 && p.BBox.Min[1] == 43.72 && p.BBox.Max[0] == 7.44 && p.BBox.Max[1] == 43.75
		}, ""},
		{"crs=gcj02&bbox-crs=" + url.QueryEscape(CRS84.URI), func(p itemsParams) bool { return p.CRS == GCJ02 }, ""},
		{"after=b17&offset=200", func(p itemsParams) bool { return p.After == "b17" && p.Offset == 200 }, ""},
		{"kinds=school", nil, "kinds"},
		{"kind=a&kind=b", nil, "kind"},
		{"limit=0", nil, "limit"},
		{"offset=-1", nil, "offset"},
		{"bbox-crs=gcj02", nil, "bbox-crs"},
		{"crs=EPSG:4326", nil, "crs"},
		{"bbox=7.44,43.72,7.40,43.75", nil, "bbox"},
		{"f=html", nil, "f"},
	} {
		q, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		p, err := parseItems(q, queryables, shanghai)
		var pe *ParamError
		switch {
		case tc.bad != "" && (!errors.As(err, &pe) || pe.Param != tc.bad || !errors.Is(err, ErrInvalid)):
			t.Errorf("%q: error %v, want one on %s", tc.query, err, tc.bad)
		case tc.bad == "" && (err != nil || !tc.check(p)):
			t.Errorf("%q: %+v, %v", tc.query, p, err)
		}
	}
	_, err := parseItems(url.Values{"kinds": {"x"}}, queryables, nil)
	if err == nil || !strings.Contains(err.Error(), "households, kind") {
		t.Errorf("an unknown parameter's error %v does not list the queryables", err)
	}
}

// TestMatches: a filter compares the property as text, exactly.
func TestMatches(t *testing.T) {
	f := Feature{Properties: map[string]any{"kind": "school", "households": 412, "share": 0.5, "locked": true}}
	for _, tc := range []struct {
		filter map[string]string
		want   bool
	}{
		{nil, true},
		{map[string]string{"kind": "school"}, true},
		{map[string]string{"kind": "School"}, false},
		{map[string]string{"households": "412"}, true},
		{map[string]string{"households": "412.0"}, false},
		{map[string]string{"share": "0.5", "locked": "true"}, true},
		{map[string]string{"kind": "school", "households": "413"}, false},
		{map[string]string{"parent": ""}, false}, // absent is no match, even for ""
	} {
		if got := matches(f, tc.filter); got != tc.want {
			t.Errorf("matches(%v) = %v, want %v", tc.filter, got, tc.want)
		}
	}
}

// FuzzParseBBox: a box read is inside the world and not inverted.
func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"7.40,43.72,7.44,43.75", "7.40,43.72,0,7.44,43.75,100", "-180,-90,180,90", "1,2,3", "a,b,c,d", "NaN,0,1,1", "181,0,182,1", "1e308,0,1e309,1", " 1 , 2 , 3 , 4 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := parseBBox(s)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Param != "bbox" {
				t.Fatalf("%q: error %v is not a ParamError on bbox", s, err)
			}
			return
		}
		for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%q: %v", s, b)
			}
		}
		if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] || b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
			t.Fatalf("%q gave the box %v", s, b)
		}
	})
}

// FuzzParseDatetime: a window read ends after it starts.
func FuzzParseDatetime(f *testing.F) {
	for _, s := range []string{"2026-11-05", "2026-11-05T08:00:00+08:00", "2026-11-01/2026-12-01", "../2026-12-01", "2026-11-01/..", "/", "..", "2026-12-01/2026-11-01", "2026-02-30", "2026-11-05T08:00+08:00/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := parseDatetime(s, shanghai)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q: error %v is not ErrInvalid", s, err)
			}
			return
		}
		if !w.From.IsZero() && !w.To.IsZero() && !w.To.After(w.From) {
			t.Fatalf("%q gave [%v, %v)", s, w.From, w.To)
		}
	})
}

// FuzzParseItems: a query read has a limit in range, a known CRS and
// filters on queryables only; one refused is a ParamError.
func FuzzParseItems(f *testing.F) {
	for _, s := range []string{"", "limit=5&kind=school", "limit=99999", "crs=bd09&datetime=2026-11-05", "offset=3&after=x", "bbox=1,2,3,4&bbox-crs=wgs84", "kind=a&kind=b", "f=json", "status=handling", "limit=-1"} {
		f.Add(s)
	}
	queryables := map[string]string{"kind": "string", "status": "string"}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		p, err := parseItems(q, queryables, shanghai)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q: error %v is not ErrInvalid", s, err)
			}
			return
		}
		if p.Limit < 1 || p.Limit > MaxLimit || p.Offset < 0 || (p.CRS != CRS84 && p.CRS != GCJ02 && p.CRS != BD09) {
			t.Fatalf("%q gave %+v", s, p)
		}
		for name := range p.Filter {
			if _, ok := queryables[name]; !ok {
				t.Fatalf("%q filters on %q, not a queryable", s, name)
			}
		}
	})
}
