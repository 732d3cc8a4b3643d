package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/partition"
)

var incidentT0 = time.Date(2026, 3, 3, 8, 0, 0, 987654000, time.UTC)

// sampleIncidents are 8 incidents one hour apart along a diagonal, in
// grids g0 and g1 alternately, with statuses cycling over four states.
func sampleIncidents() []incident.Incident {
	statuses := []incident.Status{incident.StatusReported, incident.StatusHandling, incident.StatusClosed, incident.StatusEscalated}
	yes := true
	var out []incident.Incident
	for i := range 8 {
		in := incident.Incident{
			ID: incident.ID(fmt.Sprintf("i%d", 7-i)), Category: "环境卫生", Description: "垃圾堆放",
			Address: "Y社区 3号楼", MediaURL: "https://example.org/p.jpg",
			Location: orb.Point{117.3 + 0.01*float64(i), 34.8 + 0.01*float64(i)},
			Status:   statuses[i%4], Level: incident.LevelGrid, Reporter: "w1",
			Grid: partition.GridID(fmt.Sprintf("g%d", i%2)), Reported: incidentT0.Add(time.Duration(i) * time.Hour),
			Events: []incident.Event{
				{Time: incidentT0.Add(time.Duration(i) * time.Hour), Actor: "w1", To: incident.StatusReported, Level: incident.LevelGrid, Note: "上报"},
			},
		}
		if in.Status == incident.StatusClosed {
			in.Satisfied, in.Score, in.Updated = &yes, 5, in.Reported.Add(30*time.Minute)
		}
		if i%3 == 0 {
			in.Flags = []string{incident.FlagOutsideGrids}
		}
		out = append(out, in)
	}
	return out
}

func incidentCRUD(e *env) crud[incident.Incident, incident.ID] {
	return crud[incident.Incident, incident.ID]{
		kind: "incident", items: sampleIncidents(),
		id:  func(in incident.Incident) incident.ID { return in.ID },
		put: e.s.PutIncidents, get: e.s.Incident, del: e.s.DeleteIncident,
		list: func(ctx context.Context) ([]incident.Incident, error) {
			return e.s.Incidents(ctx, data.IncidentQuery{})
		},
		change: func(in incident.Incident) incident.Incident {
			in.Status, in.Level, in.DuplicateOf = incident.StatusDuplicate, incident.LevelCommunity, "i1"
			in.Flags = []string{incident.FlagOutsideGrids, incident.FlagNoLocation}
			no := false
			in.Satisfied, in.Score = &no, 2
			in.Updated = in.Reported.Add(time.Hour)
			return in
		},
		geom: func(in incident.Incident) orb.Geometry { return in.Location },
		strip: func(in incident.Incident) incident.Incident {
			in.Location = orb.Point{}
			if len(in.Events) == 0 {
				in.Events = nil
			}
			return in
		},
	}
}

func testIncidents(e *env) {
	t := e.t
	c := incidentCRUD(e)
	c.run(e)                                                                          // i0 (the last, closed) is changed, then deleted
	g1 := orb.Bound{Min: orb.Point{117.315, 34.815}, Max: orb.Point{117.345, 34.845}} // i = 2, 3, 4
	cases := []struct {
		name string
		q    data.IncidentQuery
		want []incident.ID
	}{
		{"everything", data.IncidentQuery{}, []incident.ID{"i1", "i2", "i3", "i4", "i5", "i6", "i7"}},
		{"status", data.IncidentQuery{Status: []incident.Status{incident.StatusClosed, incident.StatusEscalated}}, []incident.ID{"i1", "i4", "i5"}},
		{"grid", data.IncidentQuery{Grid: "g1"}, []incident.ID{"i2", "i4", "i6"}},
		{"window", data.IncidentQuery{From: incidentT0.Add(time.Hour), To: incidentT0.Add(3 * time.Hour)}, []incident.ID{"i5", "i6"}},
		{"bbox", data.IncidentQuery{BBoxQuery: data.BBoxQuery{BBox: &g1}}, []incident.ID{"i3", "i4", "i5"}},
		{"bbox page", data.IncidentQuery{BBoxQuery: data.BBoxQuery{BBox: &g1, After: "i3", Limit: 1}}, []incident.ID{"i4"}},
		{"newest first", data.IncidentQuery{Newest: true}, []incident.ID{"i7", "i6", "i5", "i4", "i3", "i2", "i1"}},
		{"newest page", data.IncidentQuery{Newest: true, BBoxQuery: data.BBoxQuery{After: "i6", Limit: 2}}, []incident.ID{"i5", "i4"}},
		{"newest in bbox", data.IncidentQuery{Newest: true, BBoxQuery: data.BBoxQuery{BBox: &g1, After: "i5", Limit: 5}}, []incident.ID{"i4", "i3"}},
		{"grid and status", data.IncidentQuery{Grid: "g0", Status: []incident.Status{incident.StatusReported}}, []incident.ID{"i3", "i7"}},
	}
	for _, tc := range cases {
		got, err := e.s.Incidents(e.ctx, tc.q)
		must(t, tc.name, err)
		var ids []incident.ID
		for _, in := range got {
			ids = append(ids, in.ID)
			if len(in.Events) != 1 {
				t.Fatalf("%s: incident %s listed with %d events, want 1", tc.name, in.ID, len(in.Events))
			}
		}
		if !slices.Equal(ids, tc.want) {
			t.Fatalf("%s: incidents %v, want %v", tc.name, ids, tc.want)
		}
	}
}

func testIncidentEvents(e *env) {
	t := e.t
	in := sampleIncidents()[0]
	must(t, "put", e.s.PutIncidents(e.ctx, []incident.Incident{in}))
	next := incident.Event{Time: in.Reported.Add(time.Hour), Actor: "leader", From: incident.StatusReported,
		To: incident.StatusEscalated, Level: incident.LevelStreet, Note: "上报街道"}
	in.Status, in.Level = incident.StatusEscalated, incident.LevelStreet
	in.Events = append(in.Events, next)
	must(t, "put with a second event", e.s.PutIncidents(e.ctx, []incident.Incident{in}))
	want := slices.Clone(in.Events)

	// Rewriting or dropping events is ignored: events are append-only.
	rewritten := in
	rewritten.Events = []incident.Event{{Time: incidentT0, Actor: "someone else", To: incident.StatusRejected}}
	must(t, "put with a rewritten event", e.s.PutIncidents(e.ctx, []incident.Incident{rewritten}))
	dropped := in
	dropped.Events = nil
	must(t, "put without events", e.s.PutIncidents(e.ctx, []incident.Incident{dropped}))

	got, err := e.s.Incident(e.ctx, in.ID)
	must(t, "get", err)
	incidentCRUD(e).same(t, "incident after event puts", in, got)
	if !slices.Equal(got.Events, want) {
		t.Fatalf("events %+v, want %+v", got.Events, want)
	}
	must(t, "delete", e.s.DeleteIncident(e.ctx, in.ID))
	must(t, "put again after delete", e.s.PutIncidents(e.ctx, []incident.Incident{rewritten}))
	got, err = e.s.Incident(e.ctx, in.ID)
	must(t, "get new incident", err)
	if len(got.Events) != 1 || got.Events[0].Actor != "someone else" {
		t.Fatalf("a deleted incident's events came back: %+v", got.Events)
	}
}

// testIncidentMarks round-trips the duplicate link and the flags through a
// put, a reopen and an update that clears them.
func testIncidentMarks(e *env) {
	t := e.t
	c := incidentCRUD(e)
	in := sampleIncidents()[1]
	in.Status, in.DuplicateOf = incident.StatusDuplicate, "i0"
	in.Flags = []string{incident.FlagNoLocation, "zz_other", incident.FlagOutsideGrids} // kept in this order
	must(t, "put marked", e.s.PutIncidents(e.ctx, []incident.Incident{in}))
	e.cycle()
	got, err := e.s.Incident(e.ctx, in.ID)
	must(t, "get marked", err)
	c.same(t, "marked incident after reopen", in, got)
	listed, err := e.s.Incidents(e.ctx, data.IncidentQuery{Status: []incident.Status{incident.StatusDuplicate}})
	must(t, "list duplicates", err)
	if len(listed) != 1 {
		t.Fatalf("listed %d duplicates, want 1", len(listed))
	}
	c.same(t, "listed marked incident", in, listed[0])

	in.Status, in.DuplicateOf, in.Flags = incident.StatusReported, "", nil
	must(t, "put cleared", e.s.PutIncidents(e.ctx, []incident.Incident{in}))
	got, err = e.s.Incident(e.ctx, in.ID)
	must(t, "get cleared", err)
	if got.DuplicateOf != "" || len(got.Flags) != 0 {
		t.Fatalf("cleared marks came back: duplicate of %q, flags %v", got.DuplicateOf, got.Flags)
	}
}

// admin may take any edge of the incident state machine.
var admin = incident.Actor{Role: incident.ActorAdmin}

// moved returns in after a transition to status to an hour after its last
// change, failing the test if the state machine refuses it.
func moved(t *testing.T, in incident.Incident, to incident.Status) incident.Incident {
	t.Helper()
	in.Events = slices.Clone(in.Events)
	at := in.Events[len(in.Events)-1].Time.Add(time.Hour)
	if err := incident.Transition(&in, to, admin, at, "to "+string(to)); err != nil {
		t.Fatalf("move incident %s to %s: %v", in.ID, to, err)
	}
	return in
}

// testIncidentUpdate puts UpdateIncident through its cases on one store:
// an update on the stored version, a stale one, two transitions at once,
// bad versions, an unknown id, and versions kept by PutIncidents.
func testIncidentUpdate(e *env) {
	t := e.t
	c := incidentCRUD(e)
	in := sampleIncidents()[3] // reported, one event
	must(t, "put", e.s.PutIncidents(e.ctx, []incident.Incident{in}))
	accepted := moved(t, in, incident.StatusAccepted)
	must(t, "update on version 1", e.s.UpdateIncident(e.ctx, accepted, 1))
	got, err := e.s.Incident(e.ctx, in.ID)
	must(t, "get updated", err)
	c.same(t, "updated incident", accepted, got)

	escalated := moved(t, in, incident.StatusEscalated) // made on the version read before
	err = e.s.UpdateIncident(e.ctx, escalated, 1)
	if !errors.Is(err, data.ErrConflict) {
		t.Fatalf("update on a stale version: %v, want an error wrapping data.ErrConflict", err)
	}
	got, err = e.s.Incident(e.ctx, in.ID)
	must(t, "get after a stale update", err)
	c.same(t, "incident after a stale update", accepted, got)

	three := moved(t, moved(t, moved(t, got, incident.StatusHandling), incident.StatusResolved), incident.StatusHandling)
	must(t, "three transitions at once", e.s.UpdateIncident(e.ctx, three, 2))
	got, err = e.s.Incident(e.ctx, in.ID)
	must(t, "get after three transitions", err)
	c.same(t, "incident after three transitions", three, got)

	cases := []struct {
		name    string
		in      incident.Incident
		version int
		want    error
	}{
		{"version past the events", three, 6, data.ErrInvalid},
		{"negative version", three, -1, data.ErrInvalid},
		{"invalid incident", incident.Incident{ID: in.ID, Status: "lost"}, 0, data.ErrInvalid},
		{"unknown incident", moved(t, sampleIncidents()[4], incident.StatusAccepted), 1, data.ErrNotFound},
		{"stale by two events", moved(t, accepted, incident.StatusHandling), 2, data.ErrConflict},
		{"stale by one event", three, 4, data.ErrConflict},
	}
	for _, tc := range cases {
		if err := e.s.UpdateIncident(e.ctx, tc.in, tc.version); !errors.Is(err, tc.want) {
			t.Fatalf("%s: error %v, want one wrapping %v", tc.name, err, tc.want)
		}
	}
	got, err = e.s.Incident(e.ctx, in.ID)
	must(t, "get after refused updates", err)
	c.same(t, "incident after refused updates", three, got)

	// PutIncidents keeps the version equal to the events stored: a put
	// with fewer events leaves it, one with more raises it.
	fewer := three
	fewer.Events = three.Events[:1]
	must(t, "put with fewer events", e.s.PutIncidents(e.ctx, []incident.Incident{fewer}))
	err = e.s.UpdateIncident(e.ctx, moved(t, fewer, incident.StatusResolved), 1)
	if !errors.Is(err, data.ErrConflict) {
		t.Fatalf("update on the version of a put with fewer events: %v, want ErrConflict", err)
	}
	more := moved(t, three, incident.StatusResolved)
	must(t, "put with one more event", e.s.PutIncidents(e.ctx, []incident.Incident{more}))
	last := moved(t, more, incident.StatusHandling)
	must(t, "update on the version of the put", e.s.UpdateIncident(e.ctx, last, len(more.Events)))
	got, err = e.s.Incident(e.ctx, in.ID)
	must(t, "get last", err)
	c.same(t, "incident after puts and updates", last, got)
}
