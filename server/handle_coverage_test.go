package server

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/app"
	"wangge/partition"
)

// A 300 m square grid g1 north of Tiananmen, split into a west and an east
// block. li walks north along the west block; wang's phone reports once
// 200 m west of the grid and once 200 m east of it a minute later, so only
// the segment between them crosses the grid, along its north quarter.
const (
	covLon, covLat = 116.4000, 39.9100
	covSide        = 300.0
)

var (
	covDLon = covSide / (earthR * math.Cos(covLat*math.Pi/180)) * 180 / math.Pi
	covDLat = covSide / earthR * 180 / math.Pi
	covDay  = time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC) // 08:00 in Beijing
)

func coverageFixture(t *testing.T, st data.Store) (ingestFixture, partition.Grid, []partition.Block, []patrol.TrackPoint) {
	t.Helper()
	ctx := context.Background()
	f := newIngestFixture(t, st)
	midLon := covLon + covDLon/2
	grid := partition.Grid{ID: "g1", Kind: partition.Basic, Blocks: []partition.BlockID{"west", "east"},
		Geometry: rect(covLon, covLat, covLon+covDLon, covLat+covDLat)}
	blocks := []partition.Block{
		{ID: "west", Households: 120, Geometry: rect(covLon, covLat, midLon, covLat+covDLat)},
		{ID: "east", Households: 150, Geometry: rect(midLon, covLat, covLon+covDLon, covLat+covDLat)},
		{ID: "outside", Households: 90, Geometry: rect(covLon+covDLon, covLat, covLon+2*covDLon, covLat+covDLat)},
	}
	if err := st.PutBlocks(ctx, blocks); err != nil {
		t.Fatal(err)
	}
	if err := st.PutPlan(ctx, partition.Plan{ID: "p1", Status: partition.PlanPublished, Published: covDay.AddDate(0, -1, 0),
		Grids: []partition.Grid{grid}}); err != nil {
		t.Fatal(err)
	}
	var pts []patrol.TrackPoint
	for i := 0; i <= 22; i++ { // 14 m every 10 s, 308 m north
		pts = append(pts, patrol.TrackPoint{Worker: "li", Time: covDay.Add(time.Duration(i) * 10 * time.Second),
			Point: orb.Point{covLon + covDLon/4, covLat - 4*dLat + float64(i)*dLat}, Accuracy: 6})
	}
	west, east := covLon-covDLon*2/3, covLon+covDLon*5/3
	row := covLat + covDLat*3/4
	pts = append(pts,
		patrol.TrackPoint{Worker: "wang", Time: covDay.Add(2 * time.Hour), Point: orb.Point{west, row}},
		patrol.TrackPoint{Worker: "wang", Time: covDay.Add(2*time.Hour + time.Minute), Point: orb.Point{east, row}})
	if _, err := st.PutTrackPoints(ctx, pts); err != nil {
		t.Fatal(err)
	}
	return f, grid, blocks[:2], pts
}

// coverageBody reads the answer of the coverage route.
type coverageBody struct {
	Type     string `json:"type"`
	Features []struct {
		Geometry struct {
			Type string `json:"type"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
	Report struct {
		Grid     string `json:"grid"`
		Fixes    int    `json:"fixes"`
		Coverage struct {
			Cells   int     `json:"cells"`
			Covered int     `json:"covered"`
			Share   float64 `json:"share"`
		} `json:"coverage"`
		Blocks []struct {
			ID    string  `json:"id"`
			Share float64 `json:"share"`
		} `json:"blocks"`
	} `json:"report"`
}

func TestCoverage(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		f, grid, blocks, pts := coverageFixture(t, st)
		get := func(t *testing.T, query string) coverageBody {
			t.Helper()
			rec := request(t, f.s, http.MethodGet, "/api/v1/grids/g1/coverage"+query, f.admin, nil)
			wantStatus(t, rec, http.StatusOK)
			if ct := rec.Header().Get("Content-Type"); ct != GeoJSONContentType {
				t.Fatalf("Content-Type %q", ct)
			}
			var b coverageBody
			if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
				t.Fatal(err)
			}
			return b
		}
		// The referee is the library on the same fixes, read without a box.
		direct := func(t *testing.T, from, to time.Time) *coverage.CoverageReport {
			t.Helper()
			var in []patrol.TrackPoint
			for _, p := range pts {
				if !p.Time.Before(from) && p.Time.Before(to) {
					in = append(in, p)
				}
			}
			r, err := coverage.Coverage([]partition.Grid{grid}, blocks, in, coverage.CoverageOptions{From: from, To: to})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		tests := []struct {
			name     string
			query    string
			from, to time.Time
			crossing bool // wang's segment is in the window
		}{
			{"day", "?from=2024-05-06&to=2024-05-07", covDay.Add(-8 * time.Hour), covDay.Add(16 * time.Hour), true},
			{"li's walk only", "?from=2024-05-06T00:00:00Z&to=2024-05-06T01:00:00Z", covDay, covDay.Add(time.Hour), false},
			{"week before", "?to=2024-05-05T00:00:00Z", covDay.Add(-8 * 24 * time.Hour), covDay.Add(-24 * time.Hour), false},
		}
		shares := map[string]float64{}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				b := get(t, tc.query)
				want := direct(t, tc.from, tc.to)
				g := want.Grids[0]
				if b.Type != "FeatureCollection" || b.Report.Grid != "g1" || b.Report.Fixes != want.Fixes ||
					b.Report.Coverage.Cells != g.Cells || b.Report.Coverage.Covered != g.Covered {
					t.Fatalf("report %+v, library: fixes %d, cells %d, covered %d", b.Report, want.Fixes, g.Cells, g.Covered)
				}
				if (len(b.Features) == 1) != (g.GapCells > 0) || len(b.Features) == 1 && !strings.HasSuffix(b.Features[0].Geometry.Type, "Polygon") {
					t.Fatalf("%d gap features, library %d gap cells", len(b.Features), g.GapCells)
				}
				shares[tc.name] = b.Report.Coverage.Share
			})
		}
		switch {
		case shares["week before"] != 0:
			t.Errorf("share %v of a week without fixes", shares["week before"])
		case !(shares["li's walk only"] > 0 && shares["day"] > shares["li's walk only"]):
			t.Errorf("shares %v: want li's walk to cover some, and wang's crossing (fixes outside the grid) more", shares)
		}
		t.Run("heat layer", func(t *testing.T) {
			b := get(t, "?from=2024-05-06T00:00:00Z&to=2024-05-06T01:00:00Z&layer=heat")
			want := direct(t, covDay, covDay.Add(time.Hour))
			if len(b.Features) != len(want.Heat) || len(want.Heat) == 0 {
				t.Fatalf("%d heat features, the library has %d covered cells", len(b.Features), len(want.Heat))
			}
			for i, f := range b.Features {
				if f.Geometry.Type != "Polygon" || f.Properties["h3"] != want.Heat[i].H3 || f.Properties["days"] != 1.0 {
					t.Fatalf("heat feature %d: %s %v, want the polygon of %s visited on 1 day", i, f.Geometry.Type, f.Properties, want.Heat[i].H3)
				}
			}
		})
		t.Run("west block covered more than east", func(t *testing.T) {
			b := get(t, "?from=2024-05-06T00:00:00Z&to=2024-05-06T01:00:00Z")
			share := map[string]float64{}
			for _, bl := range b.Report.Blocks {
				share[bl.ID] = bl.Share
			}
			if len(share) != 2 || !(share["west"] > share["east"]) {
				t.Errorf("block shares %v, want west and east, west higher", share)
			}
		})
	})
}

func TestCoverageRefusals(t *testing.T) {
	st := openGPKG(t)
	f, _, _, _ := coverageFixture(t, st)
	leader := func(grid partition.GridID) string {
		s, _, err := app.CreateToken(context.Background(), st, data.RoleLeader, "", grid)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	wantStatus(t, request(t, f.s, http.MethodGet, "/api/v1/grids/g1/coverage", leader("g1"), nil), http.StatusOK)
	tests := []struct {
		name, secret, query string
		status              int
		detail              string
	}{
		{"leader of another grid", leader("g2"), "", http.StatusForbidden, "grid g1"},
		{"worker", f.liWork, "", http.StatusForbidden, "worker"},
		{"res too fine", f.admin, "?res=15", http.StatusBadRequest, "res"},
		{"buffer negative", f.admin, "?buffer=-1", http.StatusBadRequest, "buffer"},
		{"window reversed", f.admin, "?from=2024-05-07&to=2024-05-06", http.StatusBadRequest, "must be after from"},
		{"window too long", f.admin, "?from=2024-01-01&to=2024-05-06", http.StatusBadRequest, "92 days"},
		{"bad time", f.admin, "?from=last+week", http.StatusBadRequest, "RFC 3339"},
		{"bad layer", f.admin, "?layer=roads", http.StatusBadRequest, "layer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeProblem(t, request(t, f.s, http.MethodGet, "/api/v1/grids/g1/coverage"+tc.query, tc.secret, nil), tc.status)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q does not name %q", p.Detail, tc.detail)
			}
		})
	}
	decodeProblem(t, request(t, f.s, http.MethodGet, "/api/v1/grids/g9/coverage", f.admin, nil), http.StatusNotFound)
}

// BenchmarkCoverageRoute answers GET /api/v1/grids/{id}/coverage for a
// 3 km square grid around Zhongguancun over 92 days of the GeoLife sample
// (217,653 fixes stored, the route reads those near the grid), at the
// default resolution 11 and buffer 25 m, from the GeoPackage store.
func BenchmarkCoverageRoute(b *testing.B) {
	st := openGPKG(b)
	pts := geoLifeFixes(b)
	if _, err := st.PutTrackPoints(context.Background(), pts); err != nil {
		b.Fatal(err)
	}
	const lon, lat = 116.3200, 39.9900
	half := 1500.0
	dx := half / (earthR * math.Cos(lat*math.Pi/180)) * 180 / math.Pi
	dy := half / earthR * 180 / math.Pi
	grid := partition.Grid{ID: "zgc", Kind: partition.Basic, Geometry: rect(lon-dx, lat-dy, lon+dx, lat+dy)}
	if err := st.PutPlan(context.Background(), partition.Plan{ID: "p1", Status: partition.PlanPublished,
		Published: time.Date(2008, 10, 1, 0, 0, 0, 0, time.UTC), Grids: []partition.Grid{grid}}); err != nil {
		b.Fatal(err)
	}
	s, _ := testServer(b, st, Options{})
	admin := token(b, st, data.RoleAdmin)
	target := "/api/v1/grids/zgc/coverage?from=2008-10-23&to=2009-01-23"
	var body coverageBody
	for b.Loop() {
		rec := request(b, s, http.MethodGet, target, admin, nil)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(body.Report.Fixes), "fixes")
	b.ReportMetric(float64(body.Report.Coverage.Cells), "cells")
	b.ReportMetric(body.Report.Coverage.Share, "share")
}
