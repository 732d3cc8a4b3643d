package server

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"

	"wangge/data"
	"wangge/internal/app"
	"wangge/partition"
)

// planAnswer is the body of POST /api/v1/plans and GET /api/v1/plans/{id}.
type planAnswer struct {
	Plan struct {
		ID     partition.PlanID     `json:"id"`
		Status partition.PlanStatus `json:"status"`
		Params map[string]string    `json:"params"`
		Grids  int                  `json:"grids"`
	} `json:"plan"`
	Report partition.Report `json:"report"`
}

// postPlan draws a plan through the API and returns the answer.
func postPlan(t *testing.T, s *Server, secret, body string) planAnswer {
	t.Helper()
	rec := request(t, s, http.MethodPost, "/api/v1/plans", secret, strings.NewReader(body))
	wantStatus(t, rec, http.StatusCreated)
	var a planAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	if loc := rec.Header().Get("Location"); loc != "/api/v1/plans/"+string(a.Plan.ID) {
		t.Fatalf("Location %q for plan %q", loc, a.Plan.ID)
	}
	return a
}

// getJSON GETs target and decodes the JSON answer into v.
func getJSON(t *testing.T, s *Server, target, secret string, v any) {
	t.Helper()
	rec := request(t, s, http.MethodGet, target, secret, nil)
	wantStatus(t, rec, http.StatusOK)
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
}

// gridsFile are the property names of grids.geojson in DESIGN.md
// (parent only with --within, locked only when set).
var gridsFile = []string{"area_m2", "blocks", "flags", "hull_ratio", "id", "kind", "perimeter_m", "polsby_popper", "weight"}

// TestPlansProvidence draws a count-mode plan over the real Providence
// blocks through the API in both stores and reads its grids back: every
// block of the input file in exactly one grid, the population of the file
// (178,040 in MANIFEST.md) shared among them, 15 basic grids within ±2%.
func TestPlansProvidence(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		s, logs := testServer(t, st, Options{})
		raw := loadProvidence(t, s, st)
		file, err := geojson.UnmarshalFeatureCollection(raw)
		if err != nil {
			t.Fatal(err)
		}
		planner, _, err := app.CreateToken(context.Background(), st, data.RolePlanner, "", "")
		if err != nil {
			t.Fatal(err)
		}
		viewer := token(t, st, data.RoleViewer)
		body := `{"name":"wards","weight":"population","count":15,"tolerance":0.02,"seed":7}`
		decodeProblem(t, request(t, s, http.MethodPost, "/api/v1/plans", viewer, strings.NewReader(body)), http.StatusForbidden)

		a := postPlan(t, s, planner, body)
		if a.Plan.Status != partition.PlanDraft || a.Plan.Grids != 15 || a.Report.Basic != 15 || a.Report.MaxDeviationPct > 2 {
			t.Fatalf("plan %+v, report %+v", a.Plan, a.Report)
		}

		rec := request(t, s, http.MethodGet, "/api/v1/plans/"+string(a.Plan.ID)+"/grids", viewer, nil)
		wantStatus(t, rec, http.StatusOK)
		grids, err := geojson.UnmarshalFeatureCollection(rec.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		in := map[string]int{}
		var total float64
		for _, f := range grids.Features {
			keys := slices.Sorted(maps.Keys(f.Properties))
			if !slices.Equal(keys, gridsFile) {
				t.Fatalf("grid %v properties %v, want %v", f.ID, keys, gridsFile)
			}
			checkOrientation(t, f.ID, f.Geometry)
			if f.Properties["kind"] != "basic" || f.Geometry.GeoJSONType() != "Polygon" {
				t.Errorf("grid %v: kind %v, geometry %s", f.ID, f.Properties["kind"], f.Geometry.GeoJSONType())
			}
			for _, b := range f.Properties["blocks"].([]any) {
				in[b.(string)]++
			}
			total += f.Properties["weight"].(float64)
		}
		for _, f := range file.Features {
			id := f.Properties["id"].(string)
			if in[id] != 1 {
				t.Fatalf("block %s is in %d grids", id, in[id])
			}
		}
		if len(in) != len(file.Features) || total != 178040 {
			t.Fatalf("%d blocks in grids, file has %d; weight %v, want 178040", len(in), len(file.Features), total)
		}

		var got planAnswer
		getJSON(t, s, "/api/v1/plans/"+string(a.Plan.ID), viewer, &got)
		if got.Report.Grids != 15 || got.Report.Blocks != len(file.Features) || got.Report.BasicInBounds != 15 ||
			got.Report.MaxDeviationPct != a.Report.MaxDeviationPct {
			t.Fatalf("stored report %+v, drawn %+v", got.Report, a.Report)
		}
		if !strings.Contains(logs.String(), `"action":"create"`) || !strings.Contains(logs.String(), string(a.Plan.ID)) {
			t.Fatalf("no audit line for the new plan in %s", logs)
		}
	})
}

// TestPlanPublishAndDelete publishes two plans in turn: the first goes
// superseded when the second is published, the plan in force cannot be
// deleted, a draft can, and every change is in the audit log with the
// token's id.
func TestPlanPublishAndDelete(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		s, logs := testServer(t, st, Options{})
		putMosaic(t, st, 60)
		planner, tok, err := app.CreateToken(context.Background(), st, data.RolePlanner, "", "")
		if err != nil {
			t.Fatal(err)
		}
		body := `{"weight":"households","min":150,"max":500,"seed":1}`
		first, second := postPlan(t, s, planner, body), postPlan(t, s, planner, body)
		publish := func(id partition.PlanID) publishResponse {
			t.Helper()
			rec := request(t, s, http.MethodPost, "/api/v1/plans/"+string(id)+"/publish", planner, nil)
			wantStatus(t, rec, http.StatusOK)
			var out publishResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if p := publish(first.Plan.ID); p.Plan.Status != partition.PlanPublished || len(p.Superseded) != 0 {
			t.Fatalf("first publish: %+v", p)
		}
		if p := publish(second.Plan.ID); !slices.Equal(p.Superseded, []partition.PlanID{first.Plan.ID}) {
			t.Fatalf("second publish superseded %v, want the first plan", p.Superseded)
		}
		var list struct {
			Plans []planSummary `json:"plans"`
		}
		getJSON(t, s, "/api/v1/plans", planner, &list)
		status := map[partition.PlanID]partition.PlanStatus{}
		for _, p := range list.Plans {
			status[p.ID] = p.Status
		}
		if status[first.Plan.ID] != partition.PlanSuperseded || status[second.Plan.ID] != partition.PlanPublished || len(status) != 2 {
			t.Fatalf("statuses after the second publish: %v", status)
		}
		decodeProblem(t, request(t, s, http.MethodDelete, "/api/v1/plans/"+string(second.Plan.ID), planner, nil), http.StatusConflict)
		wantStatus(t, request(t, s, http.MethodDelete, "/api/v1/plans/"+string(first.Plan.ID), planner, nil), http.StatusNoContent)
		decodeProblem(t, request(t, s, http.MethodGet, "/api/v1/plans/"+string(first.Plan.ID), planner, nil), http.StatusNotFound)
		for _, action := range []string{"create", "publish", "unpublish", "delete"} {
			if !containsAll(logs.String(), `"action":"`+action+`"`, `"token":"`+tok.ID+`"`) {
				t.Errorf("no audit line for %s by token %s", action, tok.ID)
			}
		}
	})
}

// putMosaic stores n generated blocks (partition.Mosaic) and returns them.
func putMosaic(t *testing.T, st data.Store, n int) []partition.Block {
	t.Helper()
	blocks := partition.Mosaic(n, 3)
	if err := st.PutBlocks(context.Background(), blocks); err != nil {
		t.Fatal(err)
	}
	return blocks
}

// TestCreatePlanRefused checks that input no plan can meet is a 400
// explaining why, and that nothing is stored.
func TestCreatePlanRefused(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{})
	putMosaic(t, st, 20)
	planner := token(t, st, data.RolePlanner)
	cases := []struct {
		name, body, want string
	}{
		{"more grids than blocks", `{"weight":"households","count":50,"tolerance":0.1}`, "--count 50 is more than"},
		{"no mode", `{"weight":"households"}`, "partition: bad options"},
		{"unknown field", `{"weight":"households","count":2,"tolerance":0.1,"colour":"red"}`, "colour"},
		{"wrong type", `{"weight":"households","count":"two"}`, "count"},
		{"unknown weight", `{"weight":"income","count":2,"tolerance":0.1}`, "income"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeProblem(t, request(t, s, http.MethodPost, "/api/v1/plans", planner, bytes.NewBufferString(tc.body)), http.StatusBadRequest)
			if !strings.Contains(p.Detail, tc.want) {
				t.Fatalf("detail %q does not mention %q", p.Detail, tc.want)
			}
		})
	}
	empty := openGPKG(t)
	es, _ := testServer(t, empty, Options{})
	p := decodeProblem(t, request(t, es, http.MethodPost, "/api/v1/plans", token(t, empty, data.RolePlanner),
		bytes.NewBufferString(`{"weight":"households","count":2,"tolerance":0.1}`)), http.StatusConflict)
	if !strings.Contains(p.Detail, "no blocks") {
		t.Fatalf("detail %q does not say the store has no blocks", p.Detail)
	}
	plans, err := st.Plans(context.Background())
	if err != nil || len(plans) != 0 {
		t.Fatalf("plans stored after refusals: %v, %v", plans, err)
	}
}

// TestPlanRequestSeed checks the seed of POST /api/v1/plans: absent, it
// is the seed wangge partition draws with (--seed 1), so the API and the
// CLI give the same plan; an explicit 0 stays 0.
func TestPlanRequestSeed(t *testing.T) {
	tests := []struct {
		name string
		body string
		want uint64
	}{
		{"absent", `{"weight":"households","min":150,"max":500}`, 1},
		{"zero", `{"weight":"households","min":150,"max":500,"seed":0}`, 0},
		{"seven", `{"weight":"households","min":150,"max":500,"seed":7}`, 7},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r planRequest
			if err := json.Unmarshal([]byte(tc.body), &r); err != nil {
				t.Fatal(err)
			}
			o, err := r.options()
			if err != nil {
				t.Fatal(err)
			}
			if o.Seed != tc.want {
				t.Errorf("seed %d, want %d", o.Seed, tc.want)
			}
		})
	}
}
