package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"wangge/data"
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

	a.Status, a.Published = partition.PlanDraft, time.Time{} // the published plan cannot be deleted
	must(t, "put plan a back to draft", e.s.PutPlan(e.ctx, a))
	must(t, "delete plan a", e.s.DeletePlan(e.ctx, "a"))
	_, err = e.s.Plan(e.ctx, "a")
	mustNotFound(t, "deleted plan", err)
	mustNotFound(t, "delete deleted plan", e.s.DeletePlan(e.ctx, "a"))
	got, err = e.s.Plan(e.ctx, "b")
	must(t, "get plan b", err)
	samePlan(e, "plan b after a was deleted", b, got)
}

// mustConflict fails unless err wraps data.ErrConflict.
func mustConflict(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, data.ErrConflict) {
		t.Fatalf("%s: error %v, want one wrapping data.ErrConflict", what, err)
	}
}

// publishedPlans lists the ids of the published plans.
func publishedPlans(e *env) []partition.PlanID {
	e.t.Helper()
	plans, err := e.s.Plans(e.ctx)
	must(e.t, "list plans", err)
	var ids []partition.PlanID
	for _, p := range plans {
		if p.Status == partition.PlanPublished {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

// testPlanPublish hands the plan in force from one plan to another with
// PublishPlan and checks that no write makes two published plans or
// deletes the one in force, and that Publications keeps when each plan
// was in force, a plan published twice with two intervals.
func testPlanPublish(e *env) {
	t := e.t
	blocks := providence(t)
	t0 := time.Date(2026, 4, 1, 9, 30, 0, 123456000, time.UTC)
	plans := map[partition.PlanID]partition.Plan{}
	for i, id := range []partition.PlanID{"a", "b", "c"} {
		plans[id] = samplePlan(id, t0.Add(time.Duration(i)*time.Minute), blocks[i:])
		must(t, "put plan "+string(id), e.s.PutPlan(e.ctx, plans[id]))
	}
	// publish checks the superseded plans, then every plan as stored.
	publish := func(what string, id partition.PlanID, at time.Time, superseded ...partition.PlanID) {
		t.Helper()
		got, err := e.s.PublishPlan(e.ctx, id, at)
		must(t, what, err)
		if !slices.Equal(got, superseded) {
			t.Fatalf("%s: superseded %v, want %v", what, got, superseded)
		}
		for _, old := range superseded {
			p := plans[old]
			p.Status = partition.PlanSuperseded // it keeps its publication time
			plans[old] = p
		}
		if p := plans[id]; p.Status != partition.PlanPublished {
			p.Status, p.Published = partition.PlanPublished, at
			plans[id] = p
		}
		for id, want := range plans {
			got, err := e.s.Plan(e.ctx, id)
			must(t, what+": get plan "+string(id), err)
			samePlan(e, what+": plan "+string(id), want, got)
		}
	}
	publish("publish a", "a", t0.Add(time.Hour))
	publish("publish b", "b", t0.Add(2*time.Hour), "a")
	publish("publish b again", "b", t0.Add(3*time.Hour))

	_, err := e.s.PublishPlan(e.ctx, "nope", t0)
	mustNotFound(t, "publish an unknown plan", err)
	if _, err := e.s.PublishPlan(e.ctx, "c", time.Time{}); !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("publish without a time: %v, want an error wrapping data.ErrInvalid", err)
	}
	second := plans["c"]
	second.Status, second.Published = partition.PlanPublished, t0.Add(4*time.Hour)
	mustConflict(t, "put a second published plan", e.s.PutPlan(e.ctx, second))
	mustConflict(t, "delete the published plan", e.s.DeletePlan(e.ctx, "b"))
	renamed := plans["b"]
	renamed.Name = "plan b, renamed"
	must(t, "put the published plan again", e.s.PutPlan(e.ctx, renamed))
	plans["b"] = renamed
	publish("after refused writes, publish c", "c", t0.Add(5*time.Hour), "b")
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	samePublications(e, "after publishing a, b, b again, c", []data.Publication{
		{Plan: "a", From: h(1), To: h(2)}, {Plan: "b", From: h(2), To: h(5)}, {Plan: "c", From: h(5)}})
	publish("publish a again", "a", h(6), "c")
	samePublications(e, "after publishing a again", []data.Publication{
		{Plan: "a", From: h(1), To: h(2)}, {Plan: "b", From: h(2), To: h(5)}, {Plan: "c", From: h(5), To: h(6)}, {Plan: "a", From: h(6)}})
	must(t, "delete a superseded plan", e.s.DeletePlan(e.ctx, "b"))
	if got := publishedPlans(e); !slices.Equal(got, []partition.PlanID{"a"}) {
		t.Fatalf("published plans %v, want [a]", got)
	}
	samePublications(e, "after deleting b", []data.Publication{
		{Plan: "a", From: h(1), To: h(2)}, {Plan: "c", From: h(5), To: h(6)}, {Plan: "a", From: h(6)}})
}

// testPastPublications opens a store whose plans were superseded before
// their intervals were kept (written here by PutPlan alone, as an older
// release left them): opening it again gives each superseded plan the
// interval until the next plan's publication.
func testPastPublications(e *env) {
	blocks := providence(e.t)
	t0 := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	for i, st := range []partition.PlanStatus{partition.PlanSuperseded, partition.PlanSuperseded, partition.PlanPublished, partition.PlanDraft} {
		p := samplePlan(partition.PlanID(fmt.Sprintf("old%d", i)), t0, blocks[i:])
		p.Status = st
		if st != partition.PlanDraft {
			p.Published = t0.AddDate(0, i, 0)
		}
		must(e.t, "put plan "+string(p.ID), e.s.PutPlan(e.ctx, p))
	}
	samePublications(e, "before reopening", []data.Publication{{Plan: "old2", From: t0.AddDate(0, 2, 0)}})
	e.cycle()
	want := []data.Publication{{Plan: "old0", From: t0, To: t0.AddDate(0, 1, 0)},
		{Plan: "old1", From: t0.AddDate(0, 1, 0), To: t0.AddDate(0, 2, 0)}, {Plan: "old2", From: t0.AddDate(0, 2, 0)}}
	samePublications(e, "after reopening", want)
	e.cycle()
	samePublications(e, "after reopening twice", want)
}

// samePublications checks the store's Publications against want.
func samePublications(e *env, what string, want []data.Publication) {
	e.t.Helper()
	got, err := e.s.Publications(e.ctx)
	must(e.t, what+": publications", err)
	if !slices.EqualFunc(got, want, func(a, b data.Publication) bool {
		return a.Plan == b.Plan && a.From.Equal(b.From) && a.To.Equal(b.To)
	}) {
		e.t.Fatalf("%s: publications %v, want %v", what, got, want)
	}
}

// testPlanVersions records the versions of a draft: each must follow the
// latest, a published or superseded plan takes none, the grids of each
// read back (without geometry), and deleting the plan deletes them.
func testPlanVersions(e *env) {
	t := e.t
	blocks := providence(t)
	t0 := time.Date(2026, 6, 1, 8, 0, 0, 500000000, time.UTC)
	p := samplePlan("v", t0, blocks)
	put := func(n, base int, edit string) error {
		return e.s.PutPlanVersion(e.ctx, p, data.PlanVersion{Plan: p.ID, Number: n, Base: base, Edit: edit, Created: t0.Add(time.Duration(n) * time.Minute)})
	}
	mustConflict(t, "version 2 of a new plan", put(2, 1, "move"))
	mustNotFound(t, "plan after a refused version", func() error { _, err := e.s.Plan(e.ctx, p.ID); return err }())
	must(t, "version 1", put(1, 0, "upload"))
	first := slices.Clone(p.Grids)
	p.Grids = p.Grids[1:]
	p.Grids[0].Blocks = append(slices.Clone(p.Grids[0].Blocks), blocks[5].ID)
	p.Grids[0].Weight += 7
	must(t, "version 2", put(2, 1, "move block "+string(blocks[5].ID)))
	mustConflict(t, "version 2 again (a concurrent edit)", put(2, 1, "move"))
	mustConflict(t, "version 4 (a gap)", put(4, 2, "move"))
	if err := put(3, 3, "self"); !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("version made from itself: %v, want ErrInvalid", err)
	}
	got, err := e.s.Plan(e.ctx, p.ID)
	must(t, "get the plan at version 2", err)
	samePlan(e, "plan at version 2", p, got)

	vs, err := e.s.PlanVersions(e.ctx, p.ID)
	must(t, "list versions", err)
	if len(vs) != 2 || vs[0].Number != 1 || vs[1].Number != 2 || vs[1].Base != 1 || vs[1].Edit != "move block "+string(blocks[5].ID) ||
		!vs[1].Created.Equal(t0.Add(2*time.Minute)) || vs[0].Grids != nil {
		t.Fatalf("versions %+v", vs)
	}
	v1, err := e.s.PlanVersion(e.ctx, p.ID, 1)
	must(t, "read version 1", err)
	if len(v1.Grids) != len(first) {
		t.Fatalf("version 1 has %d grids, want %d", len(v1.Grids), len(first))
	}
	for i, g := range v1.Grids {
		w := first[i]
		w.Geometry = nil
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("version 1 grid %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	_, err = e.s.PlanVersion(e.ctx, p.ID, 3)
	mustNotFound(t, "version 3", err)
	_, err = e.s.PlanVersions(e.ctx, "nope")
	mustNotFound(t, "versions of an unknown plan", err)

	_, err = e.s.PublishPlan(e.ctx, p.ID, t0.Add(time.Hour))
	must(t, "publish", err)
	mustConflict(t, "version of the published plan", put(3, 2, "move"))
	other := samplePlan("w", t0, blocks)
	must(t, "put another plan", e.s.PutPlan(e.ctx, other))
	_, err = e.s.PublishPlan(e.ctx, other.ID, t0.Add(2*time.Hour))
	must(t, "publish another", err)
	mustConflict(t, "version of the superseded plan", put(3, 2, "move"))
	must(t, "delete the superseded plan", e.s.DeletePlan(e.ctx, p.ID))
	_, err = e.s.PlanVersion(e.ctx, p.ID, 1)
	mustNotFound(t, "version of a deleted plan", err)
	p.Status = partition.PlanDraft
	must(t, "version 1 of a plan of the same id, anew", put(1, 0, "upload"))
}
