package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/data"
	"wangge/geo"
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
			raw, err := json.Marshal(g)
			if err != nil {
				t.Fatal(err)
			}
			back, err := geojson.UnmarshalGeometry(raw) // orb's reader as referee
			if err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			checkOrientation(t, tc.name, back.Geometry())
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

// zaozhuang is a block of about 90 m × 110 m in Zaozhuang, Shandong, where
// the GCJ-02 and BD-09 offsets are hundreds of metres.
var zaozhuang = orb.Ring{{117.5500, 34.8600}, {117.5510, 34.8600}, {117.5510, 34.8610}, {117.5500, 34.8610}, {117.5500, 34.8600}}

func TestCRS(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{})
	body := `{"type":"FeatureCollection","features":[{"type":"Feature","id":"z","properties":{"households":80},
	 "geometry":{"type":"Polygon","coordinates":[[[117.55,34.86],[117.551,34.86],[117.551,34.861],[117.55,34.861],[117.55,34.86]]]}}]}`
	wantStatus(t, request(t, s, http.MethodPost, "/api/v1/blocks", token(t, st, data.RolePlanner), strings.NewReader(body)), http.StatusOK)
	viewer := token(t, st, data.RoleViewer)
	cases := []struct {
		crs  string
		conv func(orb.Point) orb.Point
	}{
		{"gcj02", geo.WGS84ToGCJ02},
		{"bd09", geo.WGS84ToBD09},
	}
	for _, tc := range cases {
		t.Run(tc.crs, func(t *testing.T) {
			rec := request(t, s, http.MethodGet, "/api/v1/blocks/z?crs="+tc.crs, viewer, nil)
			wantStatus(t, rec, http.StatusOK)
			f, err := geojson.UnmarshalFeature(rec.Body.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			got := f.Geometry.(orb.Polygon)[0]
			shifted := make(orb.Ring, len(zaozhuang))
			for i, p := range zaozhuang {
				shifted[i] = tc.conv(p)
			}
			// The server converts with package geo; what is checked here is
			// that every vertex went through it, and that it moved by the
			// hundreds of metres these systems are known for.
			if !slices.Equal(vertices(got), vertices(shifted)) {
				t.Fatalf("vertices %v, want %v", got, shifted)
			}
			if d := geo.Distance(got[0], zaozhuang[0]); d < 100 || d > 2000 {
				t.Fatalf("moved %.0f m, want a few hundred", d)
			}

			// A box drawn around the shifted block on such a basemap finds it;
			// the same numbers read as WGS-84 miss it.
			box := shifted.Bound().Pad(0.0002)
			q := url.Values{"bbox": {bboxParam(box)}}
			if ids := allPages(t, s, "/api/v1/blocks?"+q.Encode(), viewer); len(ids) != 0 {
				t.Fatalf("the %s box read as WGS-84 found %v", tc.crs, ids)
			}
			q.Set("crs", tc.crs)
			if ids := allPages(t, s, "/api/v1/blocks?"+q.Encode(), viewer); len(ids) != 1 || ids[0] != "z" {
				t.Fatalf("the %s box found %v, want [z]", tc.crs, ids)
			}
		})
	}
	p := decodeProblem(t, request(t, s, http.MethodGet, "/api/v1/blocks/z?crs=wgs1984", viewer, nil), http.StatusBadRequest)
	if len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "crs" {
		t.Errorf("problem %+v does not name crs", p)
	}
}
