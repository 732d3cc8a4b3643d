package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/geo"
	"wangge/internal/app"
	"wangge/partition"
)

// incidentWorld is a store with generated blocks, a published plan drawn
// through the API and the tokens of the incident tests.
type incidentWorld struct {
	s       *Server
	st      data.Store
	blocks  map[partition.BlockID]partition.Block
	grids   []partition.Grid // of the published plan
	planner string
	viewer  string
	admin   string
}

// newIncidentWorld draws and publishes a bounds-mode plan over 120
// generated blocks.
func newIncidentWorld(t *testing.T, st data.Store) *incidentWorld {
	t.Helper()
	s, _ := testServer(t, st, Options{AnonymousOpen311: true, Rates: unlimited})
	w := &incidentWorld{s: s, st: st, blocks: map[partition.BlockID]partition.Block{},
		planner: token(t, st, data.RolePlanner), viewer: token(t, st, data.RoleViewer), admin: token(t, st, data.RoleAdmin)}
	for _, b := range putMosaic(t, st, 120) {
		w.blocks[b.ID] = b
	}
	a := postPlan(t, s, w.planner, `{"weight":"households","min":150,"max":500,"seed":2}`)
	wantStatus(t, request(t, s, http.MethodPost, "/api/v1/plans/"+string(a.Plan.ID)+"/publish", w.planner, nil), http.StatusOK)
	p, err := st.Plan(context.Background(), a.Plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Grids) < 3 {
		t.Fatalf("plan has %d grids, the tests need 3", len(p.Grids))
	}
	w.grids = p.Grids
	return w
}

// inside returns a point inside the first block of grid i: the centroid
// of that block, which lies inside the convex-ish cells of the mosaic.
func (w *incidentWorld) inside(t *testing.T, i int) orb.Point {
	t.Helper()
	b := w.blocks[w.grids[i].Blocks[0]]
	c, _ := planar.CentroidArea(b.Geometry)
	if !planar.MultiPolygonContains(b.Geometry, c) {
		t.Fatalf("centroid of block %s is outside it", b.ID)
	}
	return c
}

// workerToken makes a worker token for worker id serving grid g.
func workerToken(t *testing.T, st data.Store, role data.Role, id patrol.WorkerID, g partition.GridID) string {
	t.Helper()
	secret, _, err := app.CreateToken(context.Background(), st, role, id, g)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// incidentDoc is an incident Feature as a client reads it.
type incidentDoc struct {
	ID       string `json:"id"`
	Geometry *struct {
		Coordinates []float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties struct {
		Status      incident.Status  `json:"status"`
		Level       incident.Level   `json:"level"`
		Grid        partition.GridID `json:"grid"`
		CurrentGrid partition.GridID `json:"current_grid"`
		Reporter    patrol.WorkerID  `json:"reporter"`
		Flags       []string         `json:"flags"`
		Events      []eventJSON      `json:"events"`
		Score       int              `json:"score"`
	} `json:"properties"`
}

// send posts a JSON body and decodes an incident answer with the status.
func send(t *testing.T, s *Server, target, secret, body string, status int) incidentDoc {
	t.Helper()
	rec := request(t, s, http.MethodPost, target, secret, strings.NewReader(body))
	var d incidentDoc
	if status >= 400 {
		decodeProblem(t, rec, status)
		return d
	}
	wantStatus(t, rec, status)
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func report(t *testing.T, w *incidentWorld, secret string, p orb.Point, extra string) incidentDoc {
	t.Helper()
	body := fmt.Sprintf(`{"category":"environment","description":"bins overflowing","location":[%v,%v]%s}`, p[0], p[1], extra)
	return send(t, w.s, "/api/v1/incidents", secret, body, http.StatusCreated)
}

// TestIncidentLoopThroughAPI walks an incident through the loop in both
// stores: located in the grid whose block list holds the point, refused
// moves answered 409 (illegal) and 403 (not the holder), and the event log
// growing by one per accepted move with earlier events unchanged.
func TestIncidentLoopThroughAPI(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		w := newIncidentWorld(t, st)
		g0, g1 := w.grids[0].ID, w.grids[1].ID
		w1 := workerToken(t, st, data.RoleWorker, "W1", g0)
		w2 := workerToken(t, st, data.RoleWorker, "W2", g1)

		inc := report(t, w, w1, w.inside(t, 0), `,"note":"seen on patrol"`)
		if inc.Properties.Grid != g0 || inc.Properties.CurrentGrid != g0 || inc.Properties.Level != incident.LevelGrid ||
			inc.Properties.Reporter != "W1" || len(inc.Properties.Events) != 1 {
			t.Fatalf("new incident %+v, want grid %s at grid level by W1", inc.Properties, g0)
		}
		send(t, w.s, "/api/v1/incidents", w1, `{"category":"environment","location":[0,0],"reporter":"W2"}`, http.StatusForbidden)
		send(t, w.s, "/api/v1/incidents", w.viewer, `{"category":"environment","location":[0,0]}`, http.StatusForbidden)
		send(t, w.s, "/api/v1/incidents", w1, `{"category":"graffiti","location":[0,0]}`, http.StatusBadRequest)

		move := "/api/v1/incidents/" + inc.ID + "/transitions"
		events := inc.Properties.Events
		steps := []struct {
			name, secret, body string
			status             int
		}{
			{"other grid's worker may not accept", w2, `{"to":"accepted"}`, http.StatusForbidden},
			{"accept", w1, `{"to":"accepted","note":"on my way"}`, http.StatusOK},
			{"accepted cannot close", w1, `{"to":"closed","satisfied":true,"score":5}`, http.StatusConflict},
			{"handle", w1, `{"to":"handling"}`, http.StatusOK},
			{"resolve", w1, `{"to":"resolved","note":"bins emptied"}`, http.StatusOK},
			{"resolved cannot be reported", w1, `{"to":"reported"}`, http.StatusConflict},
			{"close needs feedback", w1, `{"to":"closed"}`, http.StatusConflict},
			{"close", w1, `{"to":"closed","satisfied":true,"score":5}`, http.StatusOK},
			{"closed is final", w.admin, `{"to":"handling"}`, http.StatusConflict},
		}
		for _, step := range steps {
			t.Run(step.name, func(t *testing.T) {
				got := send(t, w.s, move, step.secret, step.body, step.status)
				var stored incidentDoc
				getJSON(t, w.s, "/api/v1/incidents/"+inc.ID, w.viewer, &stored)
				want := len(events)
				if step.status == http.StatusOK {
					want++
					if !reflect.DeepEqual(got.Properties.Events, stored.Properties.Events) {
						t.Fatalf("answer and stored events differ")
					}
				}
				if len(stored.Properties.Events) != want || !reflect.DeepEqual(stored.Properties.Events[:len(events)], events) {
					t.Fatalf("events %+v, want the %d earlier ones and %d in all", stored.Properties.Events, len(events), want)
				}
				events = stored.Properties.Events
			})
		}
		var final incidentDoc
		getJSON(t, w.s, "/api/v1/incidents/"+inc.ID, w.viewer, &final)
		if final.Properties.Status != incident.StatusClosed || final.Properties.Score != 5 || events[len(events)-1].Actor != "worker:W1" {
			t.Fatalf("final %+v", final.Properties)
		}
		p := decodeProblem(t, request(t, w.s, http.MethodPost, move, w1, strings.NewReader(`{"to":"handling"}`)), http.StatusConflict)
		if !strings.Contains(p.Detail, "closed is final") {
			t.Fatalf("409 detail %q does not give the reason", p.Detail)
		}
	})
}

// TestIncidentOutsideGrids checks that a location in no grid is kept,
// flagged and held at street level, and that an address alone is flagged
// no_location with a null geometry.
func TestIncidentOutsideGrids(t *testing.T) {
	st := openGPKG(t)
	w := newIncidentWorld(t, st)
	leader := workerToken(t, st, data.RoleLeader, "L1", w.grids[0].ID)
	out := report(t, w, leader, orb.Point{10, 10}, "")
	if out.Properties.Grid != "" || out.Properties.Level != incident.LevelStreet || !reflect.DeepEqual(out.Properties.Flags, []string{incident.FlagOutsideGrids}) {
		t.Fatalf("outside incident %+v", out.Properties)
	}
	addr := send(t, w.s, "/api/v1/incidents", w.admin, `{"category":"care","address":"3 Elm Lane","reporter":"W9"}`, http.StatusCreated)
	if addr.Geometry != nil || addr.Properties.Reporter != "W9" || !reflect.DeepEqual(addr.Properties.Flags, []string{incident.FlagNoLocation}) {
		t.Fatalf("address-only incident %+v", addr)
	}
}

// TestIncidentKeepsGridAcrossPlans reports an incident, publishes a new
// plan with other grid codes, and checks that the incident keeps the grid
// of report time while current_grid names the new grid holding its block.
func TestIncidentKeepsGridAcrossPlans(t *testing.T) {
	st := openGPKG(t)
	w := newIncidentWorld(t, st)
	inc := report(t, w, w.admin, w.inside(t, 0), "")
	a := postPlan(t, w.s, w.planner, `{"weight":"households","count":3,"tolerance":0.2,"code_prefix":"110105001001"}`)
	wantStatus(t, request(t, w.s, http.MethodPost, "/api/v1/plans/"+string(a.Plan.ID)+"/publish", w.planner, nil), http.StatusOK)
	p, err := st.Plan(context.Background(), a.Plan.ID)
	if err != nil {
		t.Fatal(err)
	}
	var now partition.GridID
	for _, g := range p.Grids {
		if slices.Contains(g.Blocks, w.grids[0].Blocks[0]) {
			now = g.ID
		}
	}
	var got incidentDoc
	getJSON(t, w.s, "/api/v1/incidents/"+inc.ID, w.viewer, &got)
	if got.Properties.Grid != w.grids[0].ID || got.Properties.CurrentGrid != now || now == "" || now == w.grids[0].ID {
		t.Fatalf("grid %q, current %q; want %q kept and %q now", got.Properties.Grid, got.Properties.CurrentGrid, w.grids[0].ID, now)
	}
}

// TestIncidentCrsAndConcurrentMoves reports a location given in GCJ-02
// (as AMap phones send it) and checks it is stored in WGS-84 in the right
// grid; then eight concurrent accepts of one incident: exactly one is
// taken, the others are 409, and the log holds one accept event.
func TestIncidentCrsAndConcurrentMoves(t *testing.T) {
	st := openGPKG(t)
	w := newIncidentWorld(t, st)
	p := w.inside(t, 2)
	g := geo.WGS84ToGCJ02(p)
	worker := workerToken(t, st, data.RoleWorker, "W3", w.grids[2].ID)
	inc := send(t, w.s, "/api/v1/incidents?crs=gcj02", worker,
		fmt.Sprintf(`{"category":"safety","location":[%v,%v]}`, g[0], g[1]), http.StatusCreated)
	stored, err := st.Incident(context.Background(), incident.ID(inc.ID))
	if err != nil {
		t.Fatal(err)
	}
	if d := geo.Distance(stored.Location, p); d > 0.5 || stored.Grid != w.grids[2].ID {
		t.Fatalf("stored at %v (%.2f m from %v) in grid %s, want grid %s", stored.Location, d, p, stored.Grid, w.grids[2].ID)
	}
	if c := inc.Geometry.Coordinates; geo.Distance(orb.Point{c[0], c[1]}, g) > 0.5 {
		t.Fatalf("answer in gcj02 %v, want %v", c, g)
	}

	codes := make([]int, 8)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := request(t, w.s, http.MethodPost, "/api/v1/incidents/"+inc.ID+"/transitions", worker, bytes.NewBufferString(`{"to":"accepted"}`))
			codes[i] = rec.Code
		}()
	}
	wg.Wait()
	slices.Sort(codes)
	if codes[0] != http.StatusOK || codes[1] != http.StatusConflict || codes[7] != http.StatusConflict {
		t.Fatalf("concurrent accepts answered %v, want one 200 and 409s", codes)
	}
	stored, err = st.Incident(context.Background(), incident.ID(inc.ID))
	if err != nil || len(stored.Events) != 2 {
		t.Fatalf("events after concurrent accepts: %+v, %v", stored.Events, err)
	}
}

// FuzzIncidentQuery checks that any query of GET /api/v1/incidents either
// fails with a *ParamError or gives a usable filter: known statuses, a
// window that ends after it starts, a page size in range.
func FuzzIncidentQuery(f *testing.F) {
	for _, s := range []string{"", "status=reported,closed", "status=lost", "from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z",
		"from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "grid=G001&limit=5&after=inc-1", "bbox=1,2,3,4&crs=gcj02",
		"status=,", "from=yesterday", "colour=red", "limit=0", "from=2026-01-01&to=2026-01-02"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		iq, p, err := parseIncidentQuery(q, time.UTC)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParamError: %v", err, err)
			}
			return
		}
		for _, s := range iq.Status {
			if !slices.Contains(incidentStatuses, s) {
				t.Fatalf("accepted status %q", s)
			}
		}
		if !iq.From.IsZero() && !iq.To.IsZero() && !iq.To.After(iq.From) {
			t.Fatalf("accepted the window %v – %v", iq.From, iq.To)
		}
		if p.Limit < 1 || p.Limit > MaxLimit || iq.Limit != p.Limit+1 {
			t.Fatalf("limit %d, store limit %d", p.Limit, iq.Limit)
		}
	})
}

// FuzzPlanRequest checks that any body of POST /api/v1/plans either fails
// with a *BodyError or partition.ErrOptions, or gives options that
// validate.
func FuzzPlanRequest(f *testing.F) {
	for _, s := range []string{`{"weight":"households","min":150,"max":500}`, `{"weight":"population","count":15,"tolerance":0.02,"seed":7}`,
		`{"weight":"households"}`, `{"count":"two"}`, `[]`, `{}{}`, `{"dedicated":"kind=school,hospital","weight":"h","count":2,"tolerance":0.1}`,
		`{"dedicated":"kind","weight":"h","count":2,"tolerance":0.1}`, `{"min":-1,"max":1,"weight":"h"}`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var req planRequest
		if err := decodeBody(strings.NewReader(body), &req); err != nil {
			var be *BodyError
			if !errors.As(err, &be) {
				t.Fatalf("decode error %T is not a *BodyError: %v", err, err)
			}
			return
		}
		opt, err := req.options()
		if err != nil {
			return
		}
		if err := opt.Validate(); err != nil {
			t.Fatalf("options %+v do not validate: %v", opt, err)
		}
	})
}
