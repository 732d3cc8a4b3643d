package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/data"
)

// TestPlanGridsBBoxAndPages draws a plan over generated blocks and reads
// its grids: a page at a time they are every grid once, in id order; with
// a bbox, exactly the grids whose bounds meet it.
func TestPlanGridsBBoxAndPages(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{})
	putMosaic(t, st, 120)
	planner := token(t, st, data.RolePlanner)
	id := postPlan(t, s, planner, `{"weight":"households","min":150,"max":500,"seed":1}`).Plan.ID
	plan, err := st.Plan(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, g := range plan.Grids {
		want = append(want, string(g.ID))
	}
	slices.Sort(want)
	if len(want) < 5 {
		t.Fatalf("plan of %d grids; the test needs at least 5", len(want))
	}
	target := "/api/v1/plans/" + string(id) + "/grids"
	if got := allPages(t, s, target+"?limit=2", planner); !slices.Equal(got, want) {
		t.Fatalf("paged grids %v, want %v", got, want)
	}
	first := plan.Grids[0].Geometry.Bound()
	box := orb.Bound{Min: first.Center(), Max: first.Max}
	var inBox []string
	for _, g := range plan.Grids {
		if g.Geometry.Bound().Intersects(box) {
			inBox = append(inBox, string(g.ID))
		}
	}
	slices.Sort(inBox)
	got := allPages(t, s, target+"?bbox="+bboxParam(box), planner)
	if !slices.Equal(got, inBox) || len(inBox) == len(want) {
		t.Fatalf("grids in %v: %v, want %v of %d", box, got, inBox, len(want))
	}
	decodeProblem(t, request(t, s, http.MethodGet, target+"?bbox=1,2,3", planner, nil), http.StatusBadRequest)
}

// jsonPages follows the next links of a JSON list route from target and
// returns the ids of the items under key, page by page.
func jsonPages(t *testing.T, s *Server, target, secret, key string) [][]string {
	t.Helper()
	var pages [][]string
	for target != "" {
		rec := request(t, s, http.MethodGet, target, secret, nil)
		wantStatus(t, rec, http.StatusOK)
		var body map[string]json.RawMessage
		var items []struct{ ID string }
		var links []link
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(body[key], &items); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if raw, ok := body["links"]; ok {
			if err := json.Unmarshal(raw, &links); err != nil {
				t.Fatal(err)
			}
		}
		var ids []string
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		pages = append(pages, ids)
		target = ""
		for _, l := range links {
			u, err := url.Parse(l.Href)
			if l.Rel != "next" || err != nil || !strings.HasPrefix(rec.Header().Get("Link"), "<"+l.Href+">") {
				t.Fatalf("link %+v, Link header %q", l, rec.Header().Get("Link"))
			}
			target = u.RequestURI()
		}
	}
	return pages
}

// TestPlansAndWorkersPages pages the plans and the workers two at a time.
func TestPlansAndWorkersPages(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{})
	putMosaic(t, st, 60)
	planner, admin := token(t, st, data.RolePlanner), token(t, st, data.RoleAdmin)
	for range 3 {
		postPlan(t, s, planner, `{"weight":"households","min":150,"max":500,"seed":1}`)
	}
	stored, err := st.Plans(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var plans []string // in the store's order: creation (to the second), then id
	for _, p := range stored {
		plans = append(plans, string(p.ID))
	}
	if got := jsonPages(t, s, "/api/v1/plans?limit=2", planner, "plans"); fmt.Sprint(got) != fmt.Sprint([][]string{plans[:2], plans[2:]}) {
		t.Errorf("plan pages %v, want %v in creation order", got, plans)
	}
	if got := jsonPages(t, s, "/api/v1/plans", planner, "plans"); fmt.Sprint(got) != fmt.Sprint([][]string{plans}) {
		t.Errorf("plans by default %v, want one page %v", got, plans)
	}
	var workers []patrol.Worker
	for i := range 5 {
		workers = append(workers, patrol.Worker{ID: patrol.WorkerID(fmt.Sprintf("w%d", i)), Name: "worker", Role: patrol.RoleFullTime})
	}
	if err := st.PutWorkers(context.Background(), workers); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"w0", "w1"}, {"w2", "w3"}, {"w4"}}
	if got := jsonPages(t, s, "/api/v1/workers?limit=2", admin, "workers"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("worker pages %v, want %v", got, want)
	}
	for _, target := range []string{"/api/v1/workers?limit=0", "/api/v1/workers?after=nobody", "/api/v1/plans?limit=10001", "/api/v1/plans?page=2"} {
		decodeProblem(t, request(t, s, http.MethodGet, target, admin, nil), http.StatusBadRequest)
	}
}
