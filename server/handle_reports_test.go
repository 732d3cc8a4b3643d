package server

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"wangge/data"
	"wangge/partition"
)

// TestReports reads li's walking day (305 s inside grid g1, 1,800 s on
// patrol) through the work log, the assessment sheet of May 2024 and the
// load report, as the roles the route table lets in, and is refused
// outside their scope.
func TestReports(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		ctx := context.Background()
		f := newIngestFixture(t, st)
		if _, err := st.PutTrackPoints(ctx, walkingDay(t)); err != nil {
			t.Fatal(err)
		}
		g1 := partition.Grid{ID: "g1", Kind: partition.Basic, Geometry: rect(walkLon-0.001, walkLat-0.001, walkLon+30.5*dLon, walkLat+0.001)}
		g2 := partition.Grid{ID: "g2", Kind: partition.Basic, Geometry: rect(walkLon+30.5*dLon, walkLat-0.001, walkLon+0.01, walkLat+0.001)}
		if err := st.PutPlan(ctx, partition.Plan{ID: "p1", Status: partition.PlanPublished, Published: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC),
			Grids: []partition.Grid{g1, g2}}); err != nil {
			t.Fatal(err)
		}
		lead1, _ := leaderToken(t, st, "g1")
		planner := token(t, st, data.RolePlanner)
		get := func(t *testing.T, secret, target string, status int, into any) string {
			t.Helper()
			rec := request(t, f.s, http.MethodGet, target, secret, nil)
			wantStatus(t, rec, status)
			if into != nil {
				if err := json.Unmarshal(rec.Body.Bytes(), into); err != nil {
					t.Fatal(err)
				}
			}
			return rec.Header().Get("Content-Type")
		}
		t.Run("work log", func(t *testing.T) {
			var l struct {
				Fixes   int     `json:"fixes"`
				PatrolS float64 `json:"patrol_s"`
				InsideS float64 `json:"inside_grids_s"`
				Grids   []string
			}
			get(t, f.liWork, "/api/v1/workers/li/log?date=2024-05-01", http.StatusOK, &l)
			if l.Fixes != dayFixes || l.PatrolS != 1800 || l.InsideS != insideS {
				t.Errorf("log %+v, want %d fixes, 1800 s on patrol, %g s inside", l, dayFixes, insideS)
			}
			get(t, f.liWork, "/api/v1/workers/wang/log?date=2024-05-01", http.StatusForbidden, nil)
			get(t, f.liWork, "/api/v1/workers/li/log?date=May", http.StatusBadRequest, nil)
			get(t, f.liWork, "/api/v1/workers/li/log?date=2024-05-01&stop_radius=5", http.StatusBadRequest, nil)
			get(t, f.liWork, "/api/v1/workers/li/log?date=2024-05-01&tz=UTC", http.StatusOK, &l)
			if l.Fixes == dayFixes {
				t.Errorf("the UTC day holds all %d fixes of the Shanghai day", l.Fixes)
			}
		})
		t.Run("assessment", func(t *testing.T) {
			var s struct {
				Workers []struct {
					Worker string `json:"worker"`
					Items  []struct {
						Key   string  `json:"key"`
						Value float64 `json:"value"`
					} `json:"items"`
				} `json:"workers"`
			}
			get(t, lead1, "/api/v1/reports/assessment?month=2024-05", http.StatusOK, &s)
			if len(s.Workers) != 1 || s.Workers[0].Worker != "li" || math.Abs(s.Workers[0].Items[1].Value-insideS/3600) > 1e-12 {
				t.Fatalf("sheet %+v, want li with %g h of patrol inside g1", s, insideS/3600)
			}
			get(t, lead1, "/api/v1/reports/assessment?month=2024-05&grid=g2", http.StatusForbidden, nil)
			get(t, f.liWork, "/api/v1/reports/assessment?month=2024-05", http.StatusForbidden, nil)
			get(t, f.admin, "/api/v1/reports/assessment?month=2024-13", http.StatusBadRequest, nil)
			if ct := get(t, f.admin, "/api/v1/reports/assessment?month=2024-05&format=xlsx", http.StatusOK, nil); !strings.Contains(ct, "spreadsheetml") {
				t.Errorf("xlsx served as %q", ct)
			}
			rec := request(t, f.s, http.MethodGet, "/api/v1/reports/assessment?month=2024-05&format=csv&lang=en", f.admin, nil)
			wantStatus(t, rec, http.StatusOK)
			if lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], "worker,name,grids,base information updated value") {
				t.Errorf("csv %q", rec.Body.String())
			}
		})
		t.Run("load", func(t *testing.T) {
			var r struct {
				Weeks float64 `json:"weeks"`
				Grids []struct {
					Grid     string  `json:"grid"`
					Workers  int     `json:"workers"`
					Measured float64 `json:"measured_tracks_h"`
				} `json:"grids"`
			}
			get(t, planner, "/api/v1/reports/load?from=2024-05-01&to=2024-05-08", http.StatusOK, &r)
			if r.Weeks != 1 || len(r.Grids) != 2 || r.Grids[0].Workers != 1 || math.Abs(r.Grids[0].Measured-insideS/3600) > 1e-12 {
				t.Errorf("load %+v, want g1 with li and %g h inside in one week", r, insideS/3600)
			}
			get(t, f.liWork, "/api/v1/reports/load", http.StatusForbidden, nil)
		})
	})
}
