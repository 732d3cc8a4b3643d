package server

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/internal/app"
	"wangge/partition"
)

// seedIncidents reports 3 incidents in the first grid, 2 in the second and
// 1 outside every grid (by an admin), and resolves the first one.
func seedIncidents(t *testing.T, w *incidentWorld) []incidentDoc {
	t.Helper()
	w0 := workerToken(t, w.st, data.RoleWorker, "W1", w.grids[0].ID)
	w1 := workerToken(t, w.st, data.RoleWorker, "W2", w.grids[1].ID)
	var out []incidentDoc
	for _, r := range []struct {
		secret string
		p      orb.Point
	}{{w0, w.inside(t, 0)}, {w0, w.inside(t, 0)}, {w0, w.inside(t, 0)}, {w1, w.inside(t, 1)}, {w1, w.inside(t, 1)}, {w.admin, orb.Point{10, 10}}} {
		out = append(out, report(t, w, r.secret, r.p, ""))
	}
	for _, to := range []string{"accepted", "handling", "resolved"} {
		send(t, w.s, "/api/v1/incidents/"+out[0].ID+"/transitions", w0, `{"to":"`+to+`"}`, http.StatusOK)
	}
	return out
}

// TestIncidentListFilters checks each filter of GET /api/v1/incidents
// against the incidents seeded, and that paging by limit visits each once.
func TestIncidentListFilters(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		w := newIncidentWorld(t, st)
		incs := seedIncidents(t, w)
		ids := func(docs []incidentDoc) []string {
			var out []string
			for _, d := range docs {
				out = append(out, d.ID)
			}
			slices.Sort(out)
			return out
		}
		p := w.inside(t, 1)
		box := fmt.Sprintf("%v,%v,%v,%v", p[0]-1e-6, p[1]-1e-6, p[0]+1e-6, p[1]+1e-6)
		future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		cases := []struct {
			name  string
			query url.Values
			want  []incidentDoc
		}{
			{"all", nil, incs},
			{"status", url.Values{"status": {"reported"}}, incs[1:]},
			{"two statuses", url.Values{"status": {"resolved,reported"}}, incs},
			{"grid", url.Values{"grid": {string(w.grids[1].ID)}}, incs[3:5]},
			{"bbox", url.Values{"bbox": {box}}, incs[3:5]},
			{"from the future", url.Values{"from": {future}}, nil},
			{"window", url.Values{"from": {past}, "to": {future}}, incs},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got := allPages(t, w.s, "/api/v1/incidents?"+tc.query.Encode(), w.viewer)
				slices.Sort(got)
				if !slices.Equal(got, ids(tc.want)) {
					t.Fatalf("got %v, want %v", got, ids(tc.want))
				}
			})
		}
		if got := allPages(t, w.s, "/api/v1/incidents?limit=2", w.viewer); !slices.Equal(got, ids(incs)) {
			t.Fatalf("pages of 2 gave %v, want each of %v once in id order", got, ids(incs))
		}
		for _, bad := range []string{"status=lost", "from=yesterday", "from=" + future + "&to=" + past, "colour=red"} {
			decodeProblem(t, request(t, w.s, http.MethodGet, "/api/v1/incidents?"+bad, w.viewer, nil), http.StatusBadRequest)
		}
	})
}

// statsDoc is the part of a statistics answer the tests read.
type statsDoc struct {
	Rows []statsRowDoc `json:"rows"`
}

type statsRowDoc struct {
	Key       string                  `json:"key"`
	Incidents int                     `json:"incidents"`
	Settled   int                     `json:"settled"`
	ByStatus  map[incident.Status]int `json:"by_status"`
	LocalRate float64                 `json:"local_settlement_rate"`
}

// TestIncidentStatsRoutes checks the statistics, hotspots and loads
// routes against counts made by hand from the seeded incidents.
func TestIncidentStatsRoutes(t *testing.T) {
	st := openGPKG(t)
	w := newIncidentWorld(t, st)
	seedIncidents(t, w)
	g0, g1 := w.grids[0].ID, w.grids[1].ID

	var stats statsDoc
	getJSON(t, w.s, "/api/v1/stats/incidents?by=grid", w.viewer, &stats)
	rows := map[string]statsRowDoc{}
	for _, r := range stats.Rows {
		rows[r.Key] = r
	}
	if len(rows) != 3 || rows[string(g0)].Incidents != 3 || rows[string(g1)].Incidents != 2 || rows[""].Incidents != 1 ||
		rows[string(g0)].Settled != 1 || rows[string(g0)].ByStatus[incident.StatusResolved] != 1 {
		t.Fatalf("stats by grid: %+v", stats.Rows)
	}
	var total statsDoc
	getJSON(t, w.s, "/api/v1/stats/incidents", w.viewer, &total)
	if len(total.Rows) != 1 || total.Rows[0].Incidents != 6 || total.Rows[0].LocalRate != 1 {
		t.Fatalf("stats in total: %+v", total.Rows)
	}
	var none statsDoc
	getJSON(t, w.s, "/api/v1/stats/incidents?from="+time.Now().Add(time.Hour).UTC().Format(time.RFC3339), w.viewer, &none)
	if len(none.Rows) != 0 {
		t.Fatalf("stats of an empty window: %+v", none.Rows)
	}
	decodeProblem(t, request(t, w.s, http.MethodGet, "/api/v1/stats/incidents?by=street", w.viewer, nil), http.StatusBadRequest)

	var loads loadsResponse
	getJSON(t, w.s, "/api/v1/stats/loads", w.viewer, &loads)
	byGrid := map[partition.GridID]incident.GridLoad{}
	for _, l := range loads.Grids {
		byGrid[l.Grid] = l
	}
	for _, c := range []struct {
		g partition.GridID
		n int
	}{{g0, 3}, {g1, 2}} {
		hh := 0
		for _, g := range w.grids {
			if g.ID == c.g {
				for _, b := range g.Blocks {
					hh += w.blocks[b].Households
				}
			}
		}
		l := byGrid[c.g]
		if l.Incidents != c.n || l.Households != hh || math.Abs(l.Per1000-1000*float64(c.n)/float64(hh)) > 1e-9 {
			t.Errorf("load of %s: %+v, want %d incidents over %d households", c.g, l, c.n, hh)
		}
	}
	if len(byGrid) != len(w.grids)+1 {
		t.Errorf("loads list %d rows, want every grid of the plan and the outside row (%d)", len(byGrid), len(w.grids)+1)
	}

	var hot struct {
		Type     string `json:"type"`
		Features []struct {
			Properties struct {
				Count      int `json:"count"`
				Resolution int `json:"resolution"`
			} `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, w.s, "/api/v1/incidents/hotspots?res=10", w.viewer, &hot)
	sum := 0
	for _, f := range hot.Features {
		sum += f.Properties.Count
		if f.Properties.Resolution != 10 {
			t.Fatalf("hotspot at resolution %d, asked 10", f.Properties.Resolution)
		}
	}
	if hot.Type != "FeatureCollection" || sum != 6 || len(hot.Features) < 3 {
		t.Fatalf("hotspots count %d incidents in %d cells, want 6 in at least 3 (two grids and the outside one)", sum, len(hot.Features))
	}
	raw := request(t, w.s, http.MethodGet, "/api/v1/incidents/hotspots?res=10", w.viewer, nil)
	cells, err := geojson.UnmarshalFeatureCollection(raw.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range cells.Features {
		checkOrientation(t, f.ID, f.Geometry)
		for _, p := range vertices(f.Geometry) {
			if p != (orb.Point{roundCoord(p[0]), roundCoord(p[1])}) {
				t.Fatalf("cell %v vertex %v has more than 7 decimals", f.ID, p)
			}
		}
	}
	from := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	getJSON(t, w.s, "/api/v1/incidents/hotspots?res=10&step=24h&from="+from, w.viewer, &hot)
	periods := 0
	for _, f := range hot.Features {
		periods += f.Properties.Count
	}
	if periods != 6 {
		t.Fatalf("hotspots per day count %d incidents, want 6", periods)
	}
	for _, bad := range []string{"res=16", "step=1d", "step=24h", "crs=utm"} {
		decodeProblem(t, request(t, w.s, http.MethodGet, "/api/v1/incidents/hotspots?"+bad, w.viewer, nil), http.StatusBadRequest)
	}
}

// TestStatsByCommunity draws a plan --within the blocks' parent (two
// halves of the mosaic), checks that no grid crosses a parent and that
// each grid carries it, and counts incidents per community from the grid
// of each report.
func TestStatsByCommunity(t *testing.T) {
	st := openGPKG(t)
	blocks := partition.Mosaic(120, 3)
	parent := map[partition.BlockID]partition.AreaID{}
	for i := range blocks {
		c, _ := planar.CentroidArea(blocks[i].Geometry)
		blocks[i].Parent = "east"
		if c[0] < blocks[0].Geometry.Bound().Min[0]+0.004 {
			blocks[i].Parent = "west"
		}
		parent[blocks[i].ID] = blocks[i].Parent
	}
	if err := st.PutBlocks(t.Context(), blocks); err != nil {
		t.Fatal(err)
	}
	s, _ := testServer(t, st, Options{})
	planner := token(t, st, data.RolePlanner)
	a := postPlan(t, s, planner, `{"weight":"households","min":150,"max":500,"within":"parent","seed":4}`)
	wantStatus(t, request(t, s, http.MethodPost, "/api/v1/plans/"+string(a.Plan.ID)+"/publish", planner, nil), http.StatusOK)
	p, err := st.Plan(t.Context(), a.Plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	admin := token(t, st, data.RoleAdmin)
	w := &incidentWorld{s: s, st: st, grids: p.Grids, blocks: map[partition.BlockID]partition.Block{}}
	for _, b := range blocks {
		w.blocks[b.ID] = b
	}
	for i, g := range p.Grids {
		for _, b := range g.Blocks {
			if parent[b] != partition.AreaID(g.Parent) {
				t.Fatalf("grid %s (parent %q) holds block %s of %q", g.ID, g.Parent, b, parent[b])
			}
		}
		report(t, w, admin, w.inside(t, i), "")
		want[g.Parent]++
	}
	if len(want) != 2 {
		t.Fatalf("grids fall in parents %v, want west and east", want)
	}
	var stats statsDoc
	getJSON(t, s, "/api/v1/stats/incidents?by=community", admin, &stats)
	got := map[string]int{}
	for _, r := range stats.Rows {
		got[r.Key] = r.Incidents
	}
	if !maps.Equal(got, want) {
		t.Fatalf("incidents by community %v, want %v", got, want)
	}
}

// BenchmarkReportIncident times POST /api/v1/incidents in the GeoPackage
// store with a published plan: authentication, the worker's grids, the
// grid lookup in the cached index, the durable write and the answer.
func BenchmarkReportIncident(b *testing.B) {
	st := openGPKG(b)
	s, _ := testServer(b, st, Options{})
	blocks := partition.Mosaic(1000, 3)
	if err := st.PutBlocks(b.Context(), blocks); err != nil {
		b.Fatal(err)
	}
	planner := token(b, st, data.RolePlanner)
	rec := request(b, s, http.MethodPost, "/api/v1/plans", planner, strings.NewReader(`{"weight":"households","min":150,"max":500}`))
	var a planAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || rec.Code != http.StatusCreated {
		b.Fatalf("draw: %d %s", rec.Code, rec.Body)
	}
	request(b, s, http.MethodPost, "/api/v1/plans/"+string(a.Plan.ID)+"/publish", planner, nil)
	secret, _, err := app.CreateToken(b.Context(), st, data.RoleWorker, "W1", "")
	if err != nil {
		b.Fatal(err)
	}
	c, _ := planar.CentroidArea(blocks[500].Geometry)
	body := fmt.Sprintf(`{"category":"environment","location":[%v,%v]}`, c[0], c[1])
	for b.Loop() {
		rec := request(b, s, http.MethodPost, "/api/v1/incidents", secret, strings.NewReader(body))
		if rec.Code != http.StatusCreated {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
