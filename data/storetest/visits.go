package storetest

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/data"
)

// testVisitState: the visit state starts zero; RecordVisits raises last
// visits (never lowers them, skips unknown places) and stores the state
// only over the version it read, keeping the visits when it does not;
// PutTrackPoints moves the state back in the transaction that stores
// fixes before it.
func testVisitState(e *env) {
	t := e.t
	st, err := e.s.VisitState(e.ctx)
	must(t, "visit state", err)
	if st.Version != 0 || !st.Checked.IsZero() || !st.Since.IsZero() || len(st.Resume) != 0 {
		t.Fatalf("fresh store: visit state %+v, want zero", st)
	}
	t0 := trackT0
	must(t, "put key places", e.s.PutKeyPlaces(e.ctx, []patrol.KeyPlace{
		{ID: "k1", Category: "c", Location: orb.Point{117.3, 34.8}, VisitInterval: time.Hour, Grid: "g1"},
		{ID: "k2", Category: "c", Location: orb.Point{117.4, 34.8}, VisitInterval: time.Hour, Grid: "g1", LastVisited: t0},
	}))
	next := data.VisitState{Since: t0.Add(-24 * time.Hour), Checked: t0.Add(time.Hour),
		Resume: map[patrol.WorkerID]time.Time{"wa": t0.Add(30 * time.Minute), "wb": {}}}
	visits := map[patrol.KeyPlaceID]time.Time{"k1": t0.Add(time.Minute), "k2": t0.Add(-time.Minute), "nowhere": t0}
	ok, err := e.s.RecordVisits(e.ctx, visits, 0, &next)
	must(t, "record visits", err)
	if !ok {
		t.Fatal("RecordVisits over version 0 of a fresh store did not store the state")
	}
	next.Version = 1
	sameVisitState(e, "after the first examination", next)
	lastVisits(e, "after the first examination", t0.Add(time.Minute), t0)

	// A second examination that read version 0 too stores its visits but
	// not its state.
	stale := data.VisitState{Checked: t0.Add(2 * time.Hour)}
	ok, err = e.s.RecordVisits(e.ctx, map[patrol.KeyPlaceID]time.Time{"k2": t0.Add(time.Minute)}, 0, &stale)
	must(t, "record visits over a stale version", err)
	if ok {
		t.Fatal("RecordVisits over version 0 stored its state when version 1 was stored")
	}
	sameVisitState(e, "after a stale examination", next)
	lastVisits(e, "after a stale examination", t0.Add(time.Minute), t0.Add(time.Minute))

	// Fixes after the state leave it; fixes of wa before its Resume time
	// and of a worker unknown to it before Checked move it back.
	fixes := func(w patrol.WorkerID, at time.Duration) []patrol.TrackPoint {
		pts := fixesOf(w, 3, 117.3)
		for i := range pts {
			pts[i].Time = t0.Add(at + time.Duration(i)*time.Second)
		}
		return pts
	}
	_, err = e.s.PutTrackPoints(e.ctx, append(fixes("wa", 40*time.Minute), fixes("wc", 90*time.Minute)...))
	must(t, "put fixes after the state", err)
	sameVisitState(e, "after fixes after it", next)
	_, err = e.s.PutTrackPoints(e.ctx, append(fixes("wa", 10*time.Minute), fixes("wc", 50*time.Minute)...))
	must(t, "put late fixes", err)
	next.Version = 2
	next.Resume = map[patrol.WorkerID]time.Time{"wa": {}, "wb": {}, "wc": t0.Add(50 * time.Minute)}
	sameVisitState(e, "after late fixes", next)
	_, err = e.s.PutTrackPoints(e.ctx, fixes("wa", 10*time.Minute))
	must(t, "put fixes stored already", err)
	sameVisitState(e, "after fixes stored already", next)
}

// sameVisitState fails unless the stored visit state is want.
func sameVisitState(e *env, what string, want data.VisitState) {
	e.t.Helper()
	got, err := e.s.VisitState(e.ctx)
	must(e.t, "visit state", err)
	ok := got.Version == want.Version && got.Since.Equal(want.Since) && got.Checked.Equal(want.Checked) &&
		len(got.Resume) == len(want.Resume)
	for w, t := range want.Resume {
		ok = ok && got.Resume[w].Equal(t)
	}
	if !ok {
		e.t.Fatalf("%s: visit state %+v, want %+v", what, got, want)
	}
}

// lastVisits fails unless k1 and k2 were last visited at k1 and k2.
func lastVisits(e *env, what string, k1, k2 time.Time) {
	e.t.Helper()
	for id, want := range map[patrol.KeyPlaceID]time.Time{"k1": k1, "k2": k2} {
		k, err := e.s.KeyPlace(e.ctx, id)
		must(e.t, fmt.Sprintf("key place %s", id), err)
		if !k.LastVisited.Equal(want) {
			e.t.Fatalf("%s: %s last visited %v, want %v", what, id, k.LastVisited, want)
		}
	}
}
