package server

import (
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
