package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/sample"
	"wangge/data/stores"
	"wangge/geo"
	"wangge/internal/app"
	"wangge/internal/plantest"
	"wangge/partition"
	"wangge/server"
)

// TestDemoWorkspace builds the demo in a fresh GeoPackage and reads it
// back from the store and through the API: the published plan covers the
// blocks, every basic grid has its synthetic worker with a patrol day,
// incidents sit at the patrols' stops in the grid holding them, and key
// places are in their grids, visited only where a worker stopped.
func TestDemoWorkspace(t *testing.T) {
	ctx := context.Background()
	s, ws, day := buildDemo(t)
	plan, err := data.PublishedPlan(ctx, s)
	if err != nil {
		t.Fatalf("published plan: %v", err)
	}
	grids := make(map[partition.GridID]partition.Grid)
	for _, g := range plan.Grids {
		grids[g.ID] = g
	}
	fixes, err := s.TrackPoints(ctx, data.TrackQuery{})
	if err != nil {
		t.Fatal(err)
	}
	byWorker := make(map[patrol.WorkerID][]patrol.TrackPoint)
	for _, p := range fixes {
		byWorker[p.Worker] = append(byWorker[p.Worker], p)
	}

	t.Run("plan covers the blocks", func(t *testing.T) {
		blocks, err := s.Blocks(ctx, data.BlockQuery{})
		if err != nil {
			t.Fatal(err)
		}
		checkDemoPlan(t, plan, blocks, ws.drawn.Report)
		plantest.CheckCover(t, blocks, plan.Grids)
	})
	t.Run("map layers", func(t *testing.T) {
		buildings, err := s.Buildings(ctx, data.BBoxQuery{})
		if err != nil {
			t.Fatal(err)
		}
		roads, err := s.Roads(ctx, data.BBoxQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(buildings) != len(ws.osm.Buildings) || len(roads) != len(ws.osm.RoadLayer()) || len(roads) == 0 {
			t.Fatalf("store holds %d buildings and %d roads, the import found %d and %d",
				len(buildings), len(roads), len(ws.osm.Buildings), len(ws.osm.RoadLayer()))
		}
	})
	t.Run("workers", func(t *testing.T) { checkDemoWorkers(t, s, plan) })
	t.Run("patrols", func(t *testing.T) {
		if len(fixes) != ws.fixes || len(fixes) == 0 {
			t.Fatalf("store holds %d fixes, the demo made %d", len(fixes), ws.fixes)
		}
		for _, w := range ws.workers {
			if slices.Contains(ws.idle, w.Grids[0]) {
				continue
			}
			checkPatrol(t, w, byWorker[w.ID], grids[w.Grids[0]], day)
		}
		if len(byWorker) != len(ws.workers)-len(ws.idle) {
			t.Errorf("%d workers have fixes, want %d (%d idle grids)", len(byWorker), len(ws.workers)-len(ws.idle), len(ws.idle))
		}
	})
	t.Run("incidents", func(t *testing.T) { checkDemoIncidents(t, s, plan, byWorker, day) })
	t.Run("key places", func(t *testing.T) { checkDemoKeyPlaces(t, s, plan, fixes) })
	t.Run("trajectories over the API", func(t *testing.T) {
		srv, err := server.New(server.Options{Store: s})
		if err != nil {
			t.Fatal(err)
		}
		focus := ws.Focus()
		leader, _, err := app.CreateToken(ctx, s, data.RoleLeader, ws.leader.ID, focus.Grids[0])
		if err != nil {
			t.Fatal(err)
		}
		admin, _, err := app.CreateToken(ctx, s, data.RoleAdmin, "", "")
		if err != nil {
			t.Fatal(err)
		}
		checkTrajectory(t, srv, leader, focus, len(byWorker[focus.ID]), day)
		checkTrajectory(t, srv, admin, ws.workers[0], len(byWorker[ws.workers[0].ID]), day)
		var other patrol.Worker
		for _, w := range ws.workers {
			if w.Grids[0] != focus.Grids[0] {
				other = w
				break
			}
		}
		path := fmt.Sprintf("%s/workers/%s/trajectory?date=%s", server.APIPrefix, other.ID, day.Format(time.DateOnly))
		if code := getJSON(t, srv, path, leader, nil); code != http.StatusForbidden {
			t.Errorf("the leader of %s read %s's trajectory: %d, want 403", focus.Grids[0], other.ID, code)
		}
		var overdue struct {
			Count int `json:"count"`
		}
		if code := getJSON(t, srv, server.APIPrefix+"/visits/overdue", leader, &overdue); code != http.StatusOK || overdue.Count == 0 {
			t.Errorf("GET overdue with the leader token of %s: %d, %d places", focus.Grids[0], code, overdue.Count)
		}
	})
	t.Run("served on a port", func(t *testing.T) { checkServedBlocks(t, s, ws) })
	t.Run("summary", func(t *testing.T) {
		var b bytes.Buffer
		Print(&b, ws, time.Now())
		PrintServing(&b, "http://127.0.0.1:8080", "demo.gpkg", Tokens{Viewer: "wg_viewer", Leader: "wg_leader", Planner: "wg_planner"}, ws)
		out := b.String()
		for _, want := range []string{
			fmt.Sprintf("%d GPS fixes", len(fixes)),
			fmt.Sprintf("%d incidents", demoIncidentCount),
			"/workers/" + string(ws.Focus().ID) + "/trajectory?date=" + day.Format(time.DateOnly),
			"/grids/" + string(ws.Focus().Grids[0]) + "/coverage",
			"/visits/overdue", "/open311/v2/requests.json", "export WANGGE_LEADER=wg_leader", "export WANGGE_PLANNER=wg_planner", "map page: http://127.0.0.1:8080/",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("summary lacks %q:\n%s", want, out)
			}
		}
		if n := strings.Count(out, sample.Attribution); n < 2 {
			t.Errorf("summary shows the attribution %d times, want it with the data and at the end:\n%s", n, out)
		}
	})
}

// buildDemo builds the demo of today's patrol day in a fresh GeoPackage,
// closed when the test ends.
func buildDemo(t *testing.T) (data.Store, *Workspace, time.Time) {
	t.Helper()
	s, err := stores.Open(context.Background(), filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	day := Day(time.Now())
	ws, err := Build(context.Background(), s, Options{Min: 150, Max: 500, Day: day}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, ws, day
}

// checkTrajectory reads w's day through the API with the token secret:
// all its stored fixes, a distance, stops, a line and time inside its grid.
func checkTrajectory(t *testing.T, srv http.Handler, secret string, w patrol.Worker, fixes int, day time.Time) {
	t.Helper()
	var ans struct {
		Grids  []partition.GridID      `json:"grids"`
		Report patrol.TrajectoryReport `json:"report"`
	}
	path := fmt.Sprintf("%s/workers/%s/trajectory?date=%s", server.APIPrefix, w.ID, day.Format(time.DateOnly))
	if code := getJSON(t, srv, path, secret, &ans); code != http.StatusOK {
		t.Fatalf("GET %s: %d", path, code)
	}
	if r := ans.Report; r.Fixes != fixes || fixes == 0 || r.Distance <= 0 || len(r.Stops) == 0 || len(r.Line) < 2 {
		t.Errorf("trajectory of %s: %d fixes (store has %d), %.0f m, %d stops, line of %d points",
			w.ID, r.Fixes, fixes, r.Distance, len(r.Stops), len(r.Line))
	}
	if !slices.Equal(ans.Grids, w.Grids) || ans.Report.Inside <= 0 {
		t.Errorf("trajectory grids %v, want %v; %v s inside them", ans.Grids, w.Grids, ans.Report.Inside)
	}
}

// getJSON GETs path from srv with a bearer token and decodes the answer
// into v (when not nil); it returns the status.
func getJSON(t *testing.T, srv http.Handler, path, secret string, v any) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if v != nil && rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	return rec.Code
}

// checkDemoPlan checks the published plan: the demo's, with the figures
// of the drawing, and (checked with pgtest.CheckCover) every stored block in exactly one of its grids.
func checkDemoPlan(t *testing.T, plan partition.Plan, blocks []partition.Block, r partition.Report) {
	t.Helper()
	if plan.ID != PlanID || plan.Status != partition.PlanPublished || plan.Published.IsZero() {
		t.Errorf("plan in force: %s, %s, published %v; want %s published", plan.ID, plan.Status, plan.Published, PlanID)
	}
	if len(plan.Grids) != r.Grids || r.Basic == 0 || r.Dedicated == 0 {
		t.Errorf("stored plan has %d grids, drawn %d (%d basic, %d dedicated)", len(plan.Grids), r.Grids, r.Basic, r.Dedicated)
	}
}

// checkDemoWorkers checks one synthetic full-time worker per basic grid,
// reachable by its device, and a leader of every grid.
func checkDemoWorkers(t *testing.T, s data.Store, plan partition.Plan) {
	t.Helper()
	ctx := context.Background()
	workers, err := s.Workers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	perGrid := make(map[partition.GridID]int)
	leaders := 0
	for _, w := range workers {
		if !strings.HasPrefix(string(w.ID), patrol.SyntheticPrefix) || !strings.HasPrefix(w.DeviceID, patrol.SyntheticPrefix) {
			t.Errorf("worker %s (device %s) is not labelled synthetic", w.ID, w.DeviceID)
		}
		switch w.Role {
		case patrol.RoleLeader:
			leaders++
			if len(w.Grids) != len(plan.Grids) {
				t.Errorf("leader %s leads %d grids, the plan has %d", w.ID, len(w.Grids), len(plan.Grids))
			}
		case patrol.RoleFullTime:
			if len(w.Grids) != 1 {
				t.Fatalf("worker %s has grids %v, want one", w.ID, w.Grids)
			}
			perGrid[w.Grids[0]]++
		default:
			t.Errorf("worker %s has role %s", w.ID, w.Role)
		}
	}
	for _, g := range plan.Grids {
		if want := map[bool]int{true: 1}[g.Kind == partition.Basic]; perGrid[g.ID] != want {
			t.Errorf("%s grid %s has %d full-time workers, want %d", g.Kind, g.ID, perGrid[g.ID], want)
		}
	}
	if leaders != 1 {
		t.Errorf("%d leaders, want 1", leaders)
	}
	w01, err := s.Worker(ctx, "sim-w01")
	if err != nil || len(w01.DeviceID) != len("sim-dev-")+16 {
		t.Fatalf("sim-w01: %+v, %v; want a random device id of 16 hex digits", w01, err)
	}
	if w, err := s.WorkerByDevice(ctx, w01.DeviceID); err != nil || w.ID != "sim-w01" {
		t.Errorf("device %s belongs to %q (%v), want sim-w01", w01.DeviceID, w.ID, err)
	}
}

// checkPatrol checks a worker's day: fixes from 08:00 to 16:00 (both
// included) of the simulated day, and, but for the GPS noise and drift episodes, on the
// streets in and around the worker's own grid.
func checkPatrol(t *testing.T, w patrol.Worker, fixes []patrol.TrackPoint, g partition.Grid, day time.Time) {
	t.Helper()
	from, to := day.Add(patrol.DefaultSimStart), day.Add(patrol.DefaultSimStart+time.Duration(patrol.DefaultSimHours*float64(time.Hour)))
	near := 0
	proj := geo.NewProjection(g.Geometry.Bound().Center())
	outline := project.MultiPolygon(g.Geometry.Clone(), proj.Forward)
	for _, p := range fixes {
		if p.Time.Before(from) || p.Time.After(to) {
			t.Fatalf("%s: fix at %v, outside the patrol %v–%v", w.ID, p.Time, from, to)
		}
		if planar.MultiPolygonContains(g.Geometry, p.Point) || planar.DistanceFrom(outline, proj.Forward(p.Point)) <= 30 {
			near++
		}
	}
	if len(fixes) == 0 || float64(near) < 0.9*float64(len(fixes)) {
		t.Errorf("%s: %d of %d fixes in grid %s or within 30 m of it, want 90%%", w.ID, near, len(fixes), g.ID)
	}
}
