package storetest

import (
	"slices"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
)

func testAtomicBatch(e *env) {
	t := e.t
	blocks := providence(t)
	must(t, "put blocks", e.s.PutBlocks(e.ctx, blocks[:10]))
	a := fixesOf("wa", 20, 117.3)
	_, err := e.s.PutTrackPoints(e.ctx, a[:10])
	must(t, "put fixes", err)

	changed := blocks[0]
	changed.Name = "must not be stored"
	noGeometry := blocks[11]
	noGeometry.Geometry = nil
	noID := blocks[12]
	noID.ID = ""
	badFix := a[15]
	badFix.Time = time.Time{}
	farFix := a[16]
	farFix.Point = orb.Point{200, 10}
	cases := []struct {
		name  string
		put   func() error
		index int
	}{
		{"block without geometry", func() error {
			return e.s.PutBlocks(e.ctx, []partition.Block{changed, blocks[10], noGeometry, blocks[13]})
		}, 2},
		{"block without id", func() error { return e.s.PutBlocks(e.ctx, []partition.Block{blocks[10], noID}) }, 1},
		{"fix without time", func() error {
			_, err := e.s.PutTrackPoints(e.ctx, append(slices.Clone(a[10:15]), badFix))
			return err
		}, 5},
		{"fix off the globe", func() error {
			_, err := e.s.PutTrackPoints(e.ctx, []patrol.TrackPoint{a[12], farFix, a[17]})
			return err
		}, 1},
		{"fix without worker", func() error {
			_, err := e.s.PutTrackPoints(e.ctx, []patrol.TrackPoint{{Time: a[0].Time, Point: a[0].Point}})
			return err
		}, 0},
		{"key place without id", func() error {
			return e.s.PutKeyPlaces(e.ctx, []patrol.KeyPlace{{ID: "k1", Location: orb.Point{1, 1}}, {Location: orb.Point{2, 2}}})
		}, 1},
		{"incident of unknown status", func() error {
			in := sampleIncidents()
			in[3].Status = "lost"
			return e.s.PutIncidents(e.ctx, in)
		}, 3},
	}
	for _, tc := range cases {
		mustRejected(t, tc.name, tc.put(), tc.index)
	}

	got, err := e.s.Blocks(e.ctx, data.BlockQuery{})
	must(t, "blocks after refused batches", err)
	c := blockCRUD(e, blocks[:10])
	if len(got) != 10 {
		t.Fatalf("%d blocks after refused batches, want the 10 stored before", len(got))
	}
	for i, b := range c.sorted() {
		c.same(t, "block after refused batches", b, got[i])
	}
	fixes, err := e.s.TrackPoints(e.ctx, data.TrackQuery{})
	must(t, "fixes after refused batches", err)
	sameTrack(e, "fixes after refused batches", a[:10], fixes)
	if ks, _ := e.s.KeyPlaces(e.ctx, data.BBoxQuery{}); len(ks) != 0 {
		t.Fatalf("a refused batch stored %d key places", len(ks))
	}
	if ins, _ := e.s.Incidents(e.ctx, data.IncidentQuery{}); len(ins) != 0 {
		t.Fatalf("a refused batch stored %d incidents", len(ins))
	}
}

func testReopen(e *env) {
	t := e.t
	blocks := providence(t)[:5]
	fixes := fixesOf("wa", 30, 117.3)
	incidents := sampleIncidents()[:2]
	plan := samplePlan("p", incidentT0, providence(t))
	worker := patrol.Worker{ID: "wa", Name: "王芳", Role: patrol.RoleFullTime, DeviceID: "d1"}
	must(t, "put blocks", e.s.PutBlocks(e.ctx, blocks))
	_, err := e.s.PutTrackPoints(e.ctx, fixes)
	must(t, "put fixes", err)
	must(t, "put incidents", e.s.PutIncidents(e.ctx, incidents))
	must(t, "put plan", e.s.PutPlan(e.ctx, plan))
	must(t, "put worker", e.s.PutWorkers(e.ctx, []patrol.Worker{worker}))

	e.cycle()

	got, err := e.s.Blocks(e.ctx, data.BlockQuery{})
	must(t, "blocks after reopen", err)
	c := blockCRUD(e, blocks)
	if len(got) != len(blocks) {
		t.Fatalf("%d blocks after reopen, want %d", len(got), len(blocks))
	}
	for i, b := range c.sorted() {
		c.same(t, "block after reopen", b, got[i])
	}
	gotFixes, err := e.s.TrackPoints(e.ctx, data.TrackQuery{})
	must(t, "fixes after reopen", err)
	sameTrack(e, "fixes after reopen", fixes, gotFixes)
	ic := incidentCRUD(e)
	for _, in := range incidents {
		got, err := e.s.Incident(e.ctx, in.ID)
		must(t, "incident after reopen", err)
		ic.same(t, "incident after reopen", in, got)
	}
	gotPlan, err := e.s.Plan(e.ctx, "p")
	must(t, "plan after reopen", err)
	samePlan(e, "plan after reopen", plan, gotPlan)
	w, err := e.s.WorkerByDevice(e.ctx, "d1")
	must(t, "worker after reopen", err)
	if w.ID != worker.ID || w.Name != worker.Name {
		t.Fatalf("worker after reopen: %+v, want %+v", w, worker)
	}
	if n, err := e.s.PutTrackPoints(e.ctx, fixes); err != nil || n != 0 {
		t.Fatalf("fixes put again after reopen: %d new, %v; want 0 new", n, err)
	}
}

// testTimes checks that times given in any zone come back as the same
// instant, in UTC, to the microsecond.
func testTimes(e *env) {
	t := e.t
	shanghai := time.FixedZone("CST", 8*3600)
	at := time.Date(2026, 7, 1, 23, 59, 59, 999999000, shanghai)
	must(t, "put plan", e.s.PutPlan(e.ctx, partition.Plan{ID: "p", Status: partition.PlanPublished, Created: at, Published: at.Add(time.Microsecond)}))
	_, err := e.s.PutTrackPoints(e.ctx, []patrol.TrackPoint{{Worker: "w", Time: at, Point: orb.Point{117, 34}}})
	must(t, "put fix", err)
	in := sampleIncidents()[0]
	in.Reported, in.Updated, in.Events[0].Time = at, at.Add(time.Microsecond), at
	must(t, "put incident", e.s.PutIncidents(e.ctx, []incident.Incident{in}))
	must(t, "put key place", e.s.PutKeyPlaces(e.ctx, []patrol.KeyPlace{{ID: "k", Location: orb.Point{1, 2}, LastVisited: at}}))
	must(t, "put token", e.s.PutToken(e.ctx, data.Token{ID: "t", Hash: "h", Role: data.RoleViewer, Created: at}))

	p, err := e.s.Plan(e.ctx, "p")
	must(t, "plan", err)
	fixes, err := e.s.TrackPoints(e.ctx, data.TrackQuery{Worker: "w"})
	must(t, "fixes", err)
	if len(fixes) != 1 {
		t.Fatalf("%d fixes, want 1", len(fixes))
	}
	gotIn, err := e.s.Incident(e.ctx, in.ID)
	must(t, "incident", err)
	k, err := e.s.KeyPlace(e.ctx, "k")
	must(t, "key place", err)
	tok, err := e.s.TokenByHash(e.ctx, "h")
	must(t, "token", err)
	cases := []struct {
		name      string
		got, want time.Time
	}{
		{"plan created", p.Created, at},
		{"plan published", p.Published, at.Add(time.Microsecond)},
		{"fix", fixes[0].Time, at},
		{"incident reported", gotIn.Reported, at},
		{"incident updated", gotIn.Updated, at.Add(time.Microsecond)},
		{"event", gotIn.Events[0].Time, at},
		{"key place visited", k.LastVisited, at},
		{"token created", tok.Created, at},
	}
	for _, tc := range cases {
		if !tc.got.Equal(tc.want) || tc.got.Location() != time.UTC {
			t.Errorf("%s: %v, want %v in UTC", tc.name, tc.got, tc.want.UTC())
		}
	}
}
