package incident_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
	"wangge/coverage/incident"
	"wangge/coverage/incident/incidenttest"
)

func TestTransitionLegal(t *testing.T) {
	cases := []struct {
		name      string
		steps     []incidenttest.Step
		status    incident.Status
		level     incident.Level
		satisfied bool
	}{
		{"settled in the grid", []incidenttest.Step{{To: incident.StatusAccepted, Actor: incidenttest.WorkerA}, {To: incident.StatusHandling, Actor: incidenttest.WorkerA},
			{To: incident.StatusResolved, Actor: incidenttest.WorkerA}, {To: incident.StatusClosed, Actor: incidenttest.WorkerA, Opts: []incident.TransitionOption{incident.WithFeedback(true, 5)}}},
			incident.StatusClosed, incident.LevelGrid, true},
		{"escalated to the city", []incidenttest.Step{{To: incident.StatusEscalated, Actor: incidenttest.WorkerA}, {To: incident.StatusEscalated, Actor: incidenttest.Community},
			{To: incident.StatusEscalated, Actor: incidenttest.Street}, {To: incident.StatusAccepted, Actor: incidenttest.City}, {To: incident.StatusHandling, Actor: incidenttest.City},
			{To: incident.StatusResolved, Actor: incidenttest.City}, {To: incident.StatusClosed, Actor: incidenttest.City, Opts: []incident.TransitionOption{incident.WithFeedback(false, 2)}}},
			incident.StatusClosed, incident.LevelCity, false},
		{"leader holds the community level", []incidenttest.Step{{To: incident.StatusEscalated, Actor: incidenttest.WorkerA}, {To: incident.StatusAccepted, Actor: incidenttest.Leader}},
			incident.StatusAccepted, incident.LevelCommunity, false},
		{"returned down a level", []incidenttest.Step{{To: incident.StatusEscalated, Actor: incidenttest.WorkerA}, {To: incident.StatusEscalated, Actor: incidenttest.Community},
			{To: incident.StatusReturned, Actor: incidenttest.Street}}, incident.StatusReturned, incident.LevelCommunity, false},
		{"returned at grid stays at grid", []incidenttest.Step{{To: incident.StatusReturned, Actor: incidenttest.Leader}, {To: incident.StatusReported, Actor: incidenttest.WorkerA}},
			incident.StatusReported, incident.LevelGrid, false},
		{"reopened after resolution", []incidenttest.Step{{To: incident.StatusAccepted, Actor: incidenttest.WorkerA}, {To: incident.StatusHandling, Actor: incidenttest.WorkerA},
			{To: incident.StatusResolved, Actor: incidenttest.WorkerA}, {To: incident.StatusHandling, Actor: incidenttest.Leader}}, incident.StatusHandling, incident.LevelGrid, false},
		{"duplicate", []incidenttest.Step{{To: incident.StatusDuplicate, Actor: incidenttest.Leader, Opts: []incident.TransitionOption{incident.WithDuplicateOf("I0")}}},
			incident.StatusDuplicate, incident.LevelGrid, false},
		{"rejected by admin", []incidenttest.Step{{To: incident.StatusRejected, Actor: incidenttest.Admin}}, incident.StatusRejected, incident.LevelGrid, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inc := incidenttest.New(t, "I1")
			incidenttest.Apply(t, &inc, c.steps...)
			if inc.Status != c.status || inc.Level != c.level {
				t.Fatalf("status %s level %s, want %s %s", inc.Status, inc.Level, c.status, c.level)
			}
			if len(inc.Events) != len(c.steps)+1 {
				t.Fatalf("%d events, want %d", len(inc.Events), len(c.steps)+1)
			}
			last := inc.Events[len(inc.Events)-1]
			if last.To != c.status || last.Level != c.level || !inc.Updated.Equal(last.Time) {
				t.Errorf("last event %+v, updated %v", last, inc.Updated)
			}
			if c.status == incident.StatusClosed && (inc.Satisfied == nil || *inc.Satisfied != c.satisfied) {
				t.Errorf("satisfied %v, want %v", inc.Satisfied, c.satisfied)
			}
			if c.status == incident.StatusDuplicate && inc.DuplicateOf != "I0" {
				t.Errorf("duplicate of %q", inc.DuplicateOf)
			}
		})
	}
}

func TestTransitionRefused(t *testing.T) {
	cases := []struct {
		name   string
		before []incidenttest.Step
		to     incident.Status
		actor  incident.Actor
		opts   []incident.TransitionOption
		at     time.Duration // after the last event
		want   error
	}{
		{"skip to closed", nil, incident.StatusClosed, incidenttest.WorkerA, []incident.TransitionOption{incident.WithFeedback(true, 5)}, time.Minute, incident.ErrIllegalTransition},
		{"unknown status", nil, "lost", incidenttest.Admin, nil, time.Minute, incident.ErrIllegalTransition},
		{"out of a final state", []incidenttest.Step{{To: incident.StatusRejected, Actor: incidenttest.Leader}}, incident.StatusReported, incidenttest.Admin, nil, time.Minute, incident.ErrIllegalTransition},
		{"worker of another grid", nil, incident.StatusAccepted, incidenttest.WorkerB, nil, time.Minute, incident.ErrNotPermitted},
		{"worker may not reject", nil, incident.StatusRejected, incidenttest.WorkerA, nil, time.Minute, incident.ErrNotPermitted},
		{"community dispatcher at grid level", nil, incident.StatusAccepted, incidenttest.Community, nil, time.Minute, incident.ErrNotPermitted},
		{"dispatcher of other grids", []incidenttest.Step{{To: incident.StatusEscalated, Actor: incidenttest.WorkerA}}, incident.StatusAccepted, incidenttest.OtherCommunity, nil, time.Minute, incident.ErrNotPermitted},
		{"worker above the grid", []incidenttest.Step{{To: incident.StatusEscalated, Actor: incidenttest.WorkerA}}, incident.StatusAccepted, incidenttest.WorkerA, nil, time.Minute, incident.ErrNotPermitted},
		{"leader above the community", []incidenttest.Step{{To: incident.StatusEscalated, Actor: incidenttest.WorkerA}, {To: incident.StatusEscalated, Actor: incidenttest.Leader}},
			incident.StatusAccepted, incidenttest.Leader, nil, time.Minute, incident.ErrNotPermitted},
		{"public may not act", nil, incident.StatusAccepted, incidenttest.Public, nil, time.Minute, incident.ErrNotPermitted},
		{"beyond the city", []incidenttest.Step{{To: incident.StatusEscalated, Actor: incidenttest.WorkerA}, {To: incident.StatusEscalated, Actor: incidenttest.Community},
			{To: incident.StatusEscalated, Actor: incidenttest.Street}, {To: incident.StatusAccepted, Actor: incidenttest.City}}, incident.StatusEscalated, incidenttest.City, nil, time.Minute, incident.ErrTopLevel},
		{"close without feedback", resolvedSteps, incident.StatusClosed, incidenttest.WorkerA, nil, time.Minute, incident.ErrFeedback},
		{"score 6", resolvedSteps, incident.StatusClosed, incidenttest.WorkerA, []incident.TransitionOption{incident.WithFeedback(true, 6)}, time.Minute, incident.ErrFeedback},
		{"score 0", resolvedSteps, incident.StatusClosed, incidenttest.WorkerA, []incident.TransitionOption{incident.WithFeedback(false, 0)}, time.Minute, incident.ErrFeedback},
		{"feedback when not closing", nil, incident.StatusAccepted, incidenttest.WorkerA, []incident.TransitionOption{incident.WithFeedback(true, 5)}, time.Minute, incident.ErrFeedback},
		{"duplicate without original", nil, incident.StatusDuplicate, incidenttest.Leader, nil, time.Minute, incident.ErrDuplicateOf},
		{"duplicate of itself", nil, incident.StatusDuplicate, incidenttest.Leader, []incident.TransitionOption{incident.WithDuplicateOf("I1")}, time.Minute, incident.ErrDuplicateOf},
		{"original when not duplicate", nil, incident.StatusRejected, incidenttest.Leader, []incident.TransitionOption{incident.WithDuplicateOf("I0")}, time.Minute, incident.ErrDuplicateOf},
		{"back in time", nil, incident.StatusAccepted, incidenttest.WorkerA, nil, -time.Second, incident.ErrEventTime},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inc := incidenttest.New(t, "I1")
			incidenttest.Apply(t, &inc, c.before...)
			before := cloneIncident(inc)
			at := inc.Events[len(inc.Events)-1].Time.Add(c.at)
			err := incident.Transition(&inc, c.to, c.actor, at, "no", c.opts...)
			var te *incident.TransitionError
			if !errors.As(err, &te) || !errors.Is(err, c.want) {
				t.Fatalf("err %v, want a *TransitionError wrapping %v", err, c.want)
			}
			if te.From != before.Status || te.To != c.to || te.Incident != "I1" {
				t.Errorf("error names %s %s → %s", te.Incident, te.From, te.To)
			}
			if !reflect.DeepEqual(inc, before) {
				t.Errorf("refused transition changed the incident:\n%+v\nwas\n%+v", inc, before)
			}
		})
	}
}

var resolvedSteps = []incidenttest.Step{{To: incident.StatusAccepted, Actor: incidenttest.WorkerA}, {To: incident.StatusHandling, Actor: incidenttest.WorkerA}, {To: incident.StatusResolved, Actor: incidenttest.WorkerA}}

func cloneIncident(inc incident.Incident) incident.Incident {
	c := inc
	c.Events = slices.Clone(inc.Events)
	c.Flags = slices.Clone(inc.Flags)
	return c
}

// TestTransitionAppendOnly checks that each transition keeps every earlier
// event as it was, in place, and adds exactly one.
func TestTransitionAppendOnly(t *testing.T) {
	inc := incidenttest.New(t, "I1")
	steps := []incidenttest.Step{{To: incident.StatusEscalated, Actor: incidenttest.WorkerA}, {To: incident.StatusReturned, Actor: incidenttest.Community}, {To: incident.StatusAccepted, Actor: incidenttest.WorkerA},
		{To: incident.StatusHandling, Actor: incidenttest.WorkerA}, {To: incident.StatusResolved, Actor: incidenttest.WorkerA}, {To: incident.StatusClosed, Actor: incidenttest.Leader, Opts: []incident.TransitionOption{incident.WithFeedback(true, 4)}}}
	for i, s := range steps {
		before := slices.Clone(inc.Events)
		incidenttest.Apply(t, &inc, s)
		if len(inc.Events) != len(before)+1 {
			t.Fatalf("step %d: %d events, want %d", i, len(inc.Events), len(before)+1)
		}
		if !reflect.DeepEqual(inc.Events[:len(before)], before) {
			t.Fatalf("step %d rewrote earlier events", i)
		}
		e := inc.Events[len(before)]
		if e.From != before[len(before)-1].To || e.To != s.To || e.Actor != s.Actor.String() {
			t.Errorf("step %d appended %+v", i, e)
		}
	}
	for i := 1; i < len(inc.Events); i++ {
		if inc.Events[i].Time.Before(inc.Events[i-1].Time) {
			t.Errorf("event %d goes back in time", i)
		}
	}
}

func TestAllowed(t *testing.T) {
	for _, s := range []incident.Status{incident.StatusClosed, incident.StatusRejected, incident.StatusDuplicate} {
		if got := incident.Allowed(s); got != nil || !s.Final() {
			t.Errorf("%s: allowed %v, final %v", s, got, s.Final())
		}
	}
	got := incident.Allowed(incident.StatusResolved)
	if want := []incident.Status{incident.StatusClosed, incident.StatusHandling}; !slices.Equal(got, want) {
		t.Errorf("from resolved %v, want %v", got, want)
	}
}

func TestActorString(t *testing.T) {
	cases := map[string]incident.Actor{"worker:W1": incidenttest.WorkerA, "dispatcher:street": incidenttest.Street, "admin": incidenttest.Admin,
		"dispatcher:city:D9": {Role: incident.ActorDispatcher, Level: incident.LevelCity, Worker: "D9"}}
	for want, a := range cases {
		t.Run(want, func(t *testing.T) {
			if got := a.String(); got != want {
				t.Errorf("got %q", got)
			}
		})
	}
}
