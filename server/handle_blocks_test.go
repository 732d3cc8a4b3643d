package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/data"
)

// page is one response of GET /api/v1/blocks as a client reads it.
type page struct {
	fc    *geojson.FeatureCollection
	next  string // href of the "next" link member
	link  string // the Link header
	count int    // numberReturned
}

func getPage(t *testing.T, s *Server, target, secret string) page {
	t.Helper()
	rec := request(t, s, http.MethodGet, target, secret, nil)
	wantStatus(t, rec, http.StatusOK)
	if ct := rec.Header().Get("Content-Type"); ct != GeoJSONContentType {
		t.Fatalf("Content-Type %q, want %q", ct, GeoJSONContentType)
	}
	fc, err := geojson.UnmarshalFeatureCollection(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("not a FeatureCollection: %v", err)
	}
	var extra struct {
		NumberReturned int `json:"numberReturned"`
		Links          []struct{ Rel, Href string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &extra); err != nil {
		t.Fatal(err)
	}
	p := page{fc: fc, link: rec.Header().Get("Link"), count: extra.NumberReturned}
	for _, l := range extra.Links {
		if l.Rel == "next" {
			p.next = l.Href
		}
	}
	if (p.next == "") != (p.link == "") || p.next != "" && !strings.HasPrefix(p.link, "<"+p.next+">; rel=\"next\"") {
		t.Fatalf("Link header %q disagrees with the next link %q", p.link, p.next)
	}
	if p.count != len(fc.Features) {
		t.Fatalf("numberReturned %d, features %d", p.count, len(fc.Features))
	}
	return p
}

// allPages follows next links from target and returns every feature id in
// the order received.
func allPages(t *testing.T, s *Server, target, secret string) []string {
	t.Helper()
	var ids []string
	for target != "" {
		p := getPage(t, s, target, secret)
		for _, f := range p.fc.Features {
			ids = append(ids, f.ID.(string))
		}
		target = ""
		if p.next != "" {
			u, err := url.Parse(p.next)
			if err != nil || !u.IsAbs() {
				t.Fatalf("next link %q is not an absolute URL", p.next)
			}
			target = u.RequestURI()
		}
	}
	return ids
}

// signedArea is twice the planar signed area of a ring (shoelace):
// positive when counter-clockwise.
func signedArea(r orb.Ring) float64 {
	var a float64
	for i := 1; i < len(r); i++ {
		a += r[i-1][0]*r[i][1] - r[i][0]*r[i-1][1]
	}
	return a
}

// checkOrientation fails unless exterior rings run counter-clockwise and
// holes clockwise.
func checkOrientation(t *testing.T, id any, g orb.Geometry) {
	t.Helper()
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		t.Fatalf("block %v: geometry %T", id, g)
	}
	for _, p := range polys {
		for j, r := range p {
			if a := signedArea(r); j == 0 && a <= 0 || j > 0 && a >= 0 {
				t.Fatalf("block %v ring %d: signed area %g has the wrong sign", id, j, a)
			}
		}
	}
}

func TestBlocksWriteThenRead(t *testing.T) {
	const body = `{"type":"FeatureCollection","features":[
	 {"type":"Feature","id":"holed","properties":{"name":"Y community school","kind":"school","households":0,"population":0,"parent":"c1","tract":"002200","ward":12},
	  "geometry":{"type":"Polygon","coordinates":[
	   [[117.123456789,34.8],[117.123456789,34.9],[117.2,34.9],[117.2,34.8],[117.123456789,34.8]],
	   [[117.15,34.85],[117.16,34.85],[117.16,34.86],[117.15,34.86],[117.15,34.85]]]}},
	 {"type":"Feature","properties":{"id":"two/2 ②","households":120},
	  "geometry":{"type":"MultiPolygon","coordinates":[
	   [[[0,0],[1,0],[1,1],[0,1],[0,0]]],
	   [[[2,0],[2,1],[3,1],[3,0],[2,0]]]]}}]}`
	forEachStore(t, func(t *testing.T, st data.Store) {
		s, _ := testServer(t, st, Options{})
		planner := token(t, st, data.RolePlanner)
		rec := request(t, s, http.MethodPost, "/api/v1/blocks", planner, strings.NewReader(body))
		wantStatus(t, rec, http.StatusOK)
		if !strings.Contains(rec.Body.String(), `"upserted":2`) {
			t.Errorf("upsert answer %s", rec.Body.String())
		}
		viewer := token(t, st, data.RoleViewer)
		rec = request(t, s, http.MethodGet, "/api/v1/blocks/holed", viewer, nil)
		wantStatus(t, rec, http.StatusOK)
		f, err := geojson.UnmarshalFeature(rec.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if f.ID != "holed" {
			t.Errorf("id %v", f.ID)
		}
		wantProps := map[string]any{"name": "Y community school", "kind": "school", "households": 0.0,
			"population": 0.0, "parent": "c1", "tract": "002200", "ward": "12"}
		for k, v := range wantProps {
			if f.Properties[k] != v {
				t.Errorf("property %s = %#v, want %#v", k, f.Properties[k], v)
			}
		}
		poly, ok := f.Geometry.(orb.Polygon)
		if !ok || len(poly) != 2 {
			t.Fatalf("geometry %#v, want a Polygon with a hole", f.Geometry)
		}
		checkOrientation(t, f.ID, poly)
		// 117.123456789 rounds to 7 decimals, by hand: 117.1234568.
		if !strings.Contains(rec.Body.String(), "117.1234568,") || strings.Contains(rec.Body.String(), "117.12345678") {
			t.Errorf("coordinates not rounded to 7 decimals: %s", rec.Body.String())
		}
		rec = request(t, s, http.MethodGet, "/api/v1/blocks/"+url.PathEscape("two/2 ②"), viewer, nil)
		wantStatus(t, rec, http.StatusOK)
		f, err = geojson.UnmarshalFeature(rec.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		mp, ok := f.Geometry.(orb.MultiPolygon)
		if !ok || len(mp) != 2 || f.Properties["households"] != 120.0 {
			t.Fatalf("block two read back as %s", rec.Body.String())
		}
		checkOrientation(t, f.ID, mp)
	})
}

func TestBlockNotFound(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		s, _ := testServer(t, st, Options{})
		rec := request(t, s, http.MethodGet, "/api/v1/blocks/nope", token(t, st, data.RoleViewer), nil)
		p := decodeProblem(t, rec, http.StatusNotFound)
		if p.Instance != "/api/v1/blocks/nope" || !strings.Contains(p.Detail, "/api/v1/blocks/nope") {
			t.Errorf("problem %+v does not name the missing item", p)
		}
	})
}

func TestBlocksBadBatchStoresNothing(t *testing.T) {
	const body = `{"type":"FeatureCollection","features":[
	 {"type":"Feature","id":"good","properties":{"households":1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
	 {"type":"Feature","id":"bad","properties":{"households":-3},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`
	forEachStore(t, func(t *testing.T, st data.Store) {
		s, _ := testServer(t, st, Options{})
		admin := token(t, st, data.RoleAdmin)
		p := decodeProblem(t, request(t, s, http.MethodPost, "/api/v1/blocks", admin, strings.NewReader(body)), http.StatusBadRequest)
		if !strings.Contains(p.Detail, `feature 1 (id "bad"): properties.households`) {
			t.Errorf("detail %q does not name the field", p.Detail)
		}
		decodeProblem(t, request(t, s, http.MethodGet, "/api/v1/blocks/good", admin, nil), http.StatusNotFound)
	})
}

func TestBlocksProvidence(t *testing.T) {
	raw := providence(t)
	file, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	forEachStore(t, func(t *testing.T, st data.Store) {
		s, _ := testServer(t, st, Options{})
		loadProvidence(t, s, st)
		viewer := token(t, st, data.RoleViewer)

		t.Run("paging visits every block once", func(t *testing.T) {
			ids := allPages(t, s, "/api/v1/blocks?limit=500", viewer)
			if len(ids) != len(file.Features) {
				t.Fatalf("%d ids over all pages, the file has %d blocks", len(ids), len(file.Features))
			}
			if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
				t.Fatal("ids are not strictly ascending: some block came twice")
			}
			for _, f := range file.Features {
				if _, found := slices.BinarySearch(ids, f.Properties["id"].(string)); !found {
					t.Fatalf("block %v never came", f.Properties["id"])
				}
			}
		})
		t.Run("read back", func(t *testing.T) {
			for _, f := range file.Features[:50] {
				id := f.Properties["id"].(string)
				rec := request(t, s, http.MethodGet, "/api/v1/blocks/"+id, viewer, nil)
				wantStatus(t, rec, http.StatusOK)
				got, err := geojson.UnmarshalFeature(rec.Body.Bytes())
				if err != nil {
					t.Fatal(err)
				}
				if got.Properties["population"] != f.Properties["population"] ||
					got.Properties["tract"] != f.Properties["tract"] ||
					got.Properties["ward"] != strings.TrimSpace(string(mustJSON(t, f.Properties["ward"]))) {
					t.Fatalf("block %s: got %v, file has %v", id, got.Properties, f.Properties)
				}
				if !slices.Equal(vertices(got.Geometry), vertices(f.Geometry)) {
					t.Fatalf("block %s: the vertices read back differ from the file's", id)
				}
				checkOrientation(t, id, got.Geometry)
			}
		})
		t.Run("bbox", func(t *testing.T) { checkBBoxes(t, s, viewer, file) })
	})
}

// checkBBoxes compares bbox queries with a brute-force check over the
// file: a block with a vertex inside the box must come, and a block whose
// bounding box misses the box must not.
func checkBBoxes(t *testing.T, s *Server, secret string, file *geojson.FeatureCollection) {
	t.Helper()
	boxes := []struct {
		name string
		box  orb.Bound
	}{
		{"downtown", orb.Bound{Min: orb.Point{-71.4150, 41.8200}, Max: orb.Point{-71.4050, 41.8300}}},
		{"thin strip", orb.Bound{Min: orb.Point{-71.50, 41.8240}, Max: orb.Point{-71.30, 41.8241}}},
		{"whole city", orb.Bound{Min: orb.Point{-72, 41}, Max: orb.Point{-71, 42}}},
		{"ocean", orb.Bound{Min: orb.Point{-40, 30}, Max: orb.Point{-39, 31}}},
	}
	for _, tc := range boxes {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"bbox": {bboxParam(tc.box)}, "limit": {"700"}}
			got := map[string]bool{}
			for _, id := range allPages(t, s, "/api/v1/blocks?"+q.Encode(), secret) {
				got[id] = true
			}
			must := 0
			for _, f := range file.Features {
				id := f.Properties["id"].(string)
				switch {
				case vertexIn(f.Geometry, tc.box):
					must++
					if !got[id] {
						t.Errorf("block %s has a vertex in the box but did not come", id)
					}
				case !f.Geometry.Bound().Intersects(tc.box) && got[id]:
					t.Errorf("block %s lies outside the box but came", id)
				}
			}
			if tc.name == "whole city" && len(got) != len(file.Features) {
				t.Errorf("whole city: %d blocks, want %d", len(got), len(file.Features))
			}
			if tc.name == "ocean" && len(got) != 0 {
				t.Errorf("ocean: %d blocks", len(got))
			}
			if tc.name != "ocean" && must == 0 {
				t.Fatalf("box %v holds no vertex: the case tests nothing", tc.box)
			}
		})
	}
}

func bboxParam(b orb.Bound) string {
	return fmt.Sprintf("%v,%v,%v,%v", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
}

// vertices lists the positions of g rounded to 7 decimals, sorted, so two
// renderings of one geometry compare equal whatever their ring direction.
func vertices(g orb.Geometry) []orb.Point {
	var ps []orb.Point
	orbWalk(g, func(p orb.Point) {
		ps = append(ps, orb.Point{math.Round(p[0]*1e7) / 1e7, math.Round(p[1]*1e7) / 1e7})
	})
	slices.SortFunc(ps, func(a, b orb.Point) int {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return cmp.Compare(a[1], b[1])
	})
	return ps
}

func vertexIn(g orb.Geometry, box orb.Bound) bool {
	in := false
	orbWalk(g, func(p orb.Point) { in = in || box.Contains(p) })
	return in
}

func orbWalk(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			for _, p := range r {
				fn(p)
			}
		}
	case orb.MultiPolygon:
		for _, poly := range g {
			orbWalk(poly, fn)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}
