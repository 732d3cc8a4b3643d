package storetest

import (
	"reflect"
	"slices"
	"strings"
	"time"

	"wangge/partition"
)

// samePlan compares plans with their grids ordered by id.
func samePlan(e *env, what string, want, got partition.Plan) {
	e.t.Helper()
	want.Grids = slices.Clone(want.Grids)
	slices.SortFunc(want.Grids, func(a, b partition.Grid) int { return strings.Compare(string(a.ID), string(b.ID)) })
	if len(got.Grids) != len(want.Grids) {
		e.t.Fatalf("%s: %d grids, want %d", what, len(got.Grids), len(want.Grids))
	}
	for i := range want.Grids {
		w, g := want.Grids[i], got.Grids[i]
		SameGeometry(e.t, what+" grid "+string(w.ID), w.Geometry, g.Geometry)
		w.Geometry, g.Geometry, w.Plan = nil, nil, want.ID
		if len(w.Flags) == 0 {
			w.Flags = nil
		}
		if len(g.Flags) == 0 {
			g.Flags = nil
		}
		if !reflect.DeepEqual(w, g) {
			e.t.Fatalf("%s grid %d:\n got %+v\nwant %+v", what, i, g, w)
		}
	}
	want.Grids, got.Grids = nil, nil
	if !reflect.DeepEqual(want, got) {
		e.t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func testPlans(e *env) {
	t := e.t
	blocks := providence(t)
	t0 := time.Date(2026, 3, 1, 9, 30, 0, 250000, time.UTC)
	a := samplePlan("a", t0.Add(time.Hour), blocks)
	b := samplePlan("b", t0, blocks[3:])
	// Both plans hold grids with the same ids: a grid id is unique per plan.
	must(t, "put plan a", e.s.PutPlan(e.ctx, a))
	must(t, "put plan b", e.s.PutPlan(e.ctx, b))
	got, err := e.s.Plan(e.ctx, "a")
	must(t, "get plan a", err)
	samePlan(e, "plan a", a, got)

	plans, err := e.s.Plans(e.ctx)
	must(t, "list plans", err)
	var ids []partition.PlanID
	for _, p := range plans {
		if len(p.Grids) != 0 {
			t.Fatalf("Plans returned plan %s with %d grids, want none", p.ID, len(p.Grids))
		}
		ids = append(ids, p.ID)
	}
	if !slices.Equal(ids, []partition.PlanID{"b", "a"}) {
		t.Fatalf("Plans ordered %v, want [b a] (by creation time)", ids)
	}

	// A new version replaces the grids: one dropped, one changed.
	a.Status, a.Published = partition.PlanPublished, t0.Add(2*time.Hour)
	a.Grids = a.Grids[1:]
	a.Grids[0].Blocks = append(a.Grids[0].Blocks, blocks[9].ID)
	a.Grids[0].Weight += 5
	must(t, "put plan a again", e.s.PutPlan(e.ctx, a))
	got, err = e.s.Plan(e.ctx, "a")
	must(t, "get plan a again", err)
	samePlan(e, "plan a, version 2", a, got)
	got, err = e.s.Plan(e.ctx, "b")
	must(t, "get plan b", err)
	samePlan(e, "plan b after a changed", b, got)

	// A plan with a bad grid is refused whole.
	bad := samplePlan("c", t0, blocks)
	bad.Grids[1].Kind = "mixed"
	if err := e.s.PutPlan(e.ctx, bad); err == nil {
		t.Fatal("a plan with a grid of unknown kind was stored")
	}
	_, err = e.s.Plan(e.ctx, "c")
	mustNotFound(t, "refused plan", err)

	must(t, "delete plan a", e.s.DeletePlan(e.ctx, "a"))
	_, err = e.s.Plan(e.ctx, "a")
	mustNotFound(t, "deleted plan", err)
	mustNotFound(t, "delete deleted plan", e.s.DeletePlan(e.ctx, "a"))
	got, err = e.s.Plan(e.ctx, "b")
	must(t, "get plan b", err)
	samePlan(e, "plan b after a was deleted", b, got)
}
