package server

import (
	"context"
	"math"
	"net/http"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"

	"wangge/data"
	"wangge/geo"
	"wangge/partition"
)

// testRoads are three roads in Zaozhuang: a straight street, a road of
// two parts and a diagonal whose envelope covers boxes its line misses.
var testRoads = []partition.Road{
	{ID: "a", Class: "primary", Name: "光明路", Geometry: orb.MultiLineString{{{117.30, 34.80}, {117.32, 34.80}}}},
	{ID: "b", Class: "footway", Geometry: orb.MultiLineString{{{117.30, 34.81}, {117.301, 34.811}}, {{117.305, 34.81}, {117.306, 34.812}}}},
	{ID: "c", Class: "residential", Name: "青檀路", Geometry: orb.MultiLineString{{{117.30, 34.79}, {117.32, 34.81}}}},
}

func TestRoads(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		s, _ := testServer(t, st, Options{})
		if err := st.PutRoads(context.Background(), testRoads); err != nil {
			t.Fatal(err)
		}
		viewer := token(t, st, data.RoleViewer)

		t.Run("all, as GeoJSON lines", func(t *testing.T) {
			p := getPage(t, s, "/api/v1/roads", viewer)
			if len(p.fc.Features) != len(testRoads) {
				t.Fatalf("%d roads, want %d", len(p.fc.Features), len(testRoads))
			}
			for i, f := range p.fc.Features {
				r := testRoads[i]
				want := orb.Geometry(r.Geometry)
				if len(r.Geometry) == 1 {
					want = r.Geometry[0]
				}
				if f.ID != string(r.ID) || !orb.Equal(f.Geometry, want) ||
					f.Properties.MustString("class", "") != r.Class || f.Properties.MustString("name", "") != r.Name {
					t.Fatalf("road %d: %v %v %v, want %+v", i, f.ID, f.Geometry, f.Properties, r)
				}
			}
		})
		t.Run("bbox", func(t *testing.T) {
			boxes := []struct {
				name string
				box  orb.Bound
			}{
				{"beside the diagonal, inside its envelope", orb.Bound{Min: orb.Point{117.315, 34.791}, Max: orb.Point{117.319, 34.795}}},
				{"across the diagonal and the street", orb.Bound{Min: orb.Point{117.309, 34.795}, Max: orb.Point{117.311, 34.805}}},
				{"on the second part of b", orb.Bound{Min: orb.Point{117.3052, 34.8105}, Max: orb.Point{117.3058, 34.8115}}},
			}
			for _, tc := range boxes {
				t.Run(tc.name, func(t *testing.T) {
					// The referee is orb's line clipping.
					var want []string
					for _, r := range testRoads {
						if len(clip.MultiLineString(tc.box, r.Geometry)) > 0 {
							want = append(want, string(r.ID))
						}
					}
					if got := allPages(t, s, "/api/v1/roads?bbox="+bboxParam(tc.box), viewer); !slices.Equal(got, want) {
						t.Fatalf("roads %v, want %v", got, want)
					}
				})
			}
		})
		t.Run("pages of one", func(t *testing.T) {
			if got := allPages(t, s, "/api/v1/roads?limit=1", viewer); !slices.Equal(got, []string{"a", "b", "c"}) {
				t.Fatalf("pages gave %v, want [a b c]", got)
			}
		})
		t.Run("gcj02", func(t *testing.T) {
			p := getPage(t, s, "/api/v1/roads?crs=gcj02&limit=1", viewer)
			line, ok := p.fc.Features[0].Geometry.(orb.LineString)
			if !ok || len(line) != 2 {
				t.Fatalf("road a in GCJ-02: %v", p.fc.Features[0].Geometry)
			}
			for i, pt := range testRoads[0].Geometry[0] {
				want := geo.WGS84ToGCJ02(pt)
				if math.Abs(line[i][0]-want[0]) > 1e-7 || math.Abs(line[i][1]-want[1]) > 1e-7 {
					t.Fatalf("point %d in GCJ-02: %v, want %v", i, line[i], want)
				}
			}
		})
		t.Run("no token", func(t *testing.T) {
			decodeProblem(t, request(t, s, http.MethodGet, "/api/v1/roads", "", nil), http.StatusUnauthorized)
		})
	})
}
