package coverage

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/partition"
)

// Two unit-ish squares side by side in Zaozhuang, both in community C1.
var (
	testGridA = partition.Grid{ID: "G1", Parent: "C1", Geometry: square(117.50, 34.80, 0.01)}
	testGridB = partition.Grid{ID: "G2", Parent: "C1", Geometry: square(117.51, 34.80, 0.01)}
	inA       = orb.Point{117.505, 34.805}
	inB       = orb.Point{117.515, 34.805}
	nowhere   = orb.Point{118.0, 35.0}
	t0        = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
)

var (
	workerA   = Actor{Role: ActorWorker, Worker: "W1", Grids: []partition.GridID{"G1"}}
	workerB   = Actor{Role: ActorWorker, Worker: "W2", Grids: []partition.GridID{"G2"}}
	leader    = Actor{Role: ActorLeader, Worker: "L1", Grids: []partition.GridID{"G1", "G2"}}
	community = Actor{Role: ActorDispatcher, Level: LevelCommunity, Grids: []partition.GridID{"G1", "G2"}}
	otherComm = Actor{Role: ActorDispatcher, Level: LevelCommunity, Grids: []partition.GridID{"G9"}}
	street    = Actor{Role: ActorDispatcher, Level: LevelStreet}
	city      = Actor{Role: ActorDispatcher, Level: LevelCity}
	admin     = Actor{Role: ActorAdmin}
	public    = Actor{Role: ActorPublic}
)

func square(x, y, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
}

func testIndex() *GridIndex { return NewGridIndex([]partition.Grid{testGridA, testGridB}) }

// newIncident creates a reported incident in grid A through Create.
func newIncident(t testing.TB, id IncidentID) Incident {
	t.Helper()
	inc, err := Create(Incident{ID: id, Category: "litter", Location: inA}, workerA, t0, "found", testIndex())
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// step is one transition to make in a test.
type step struct {
	to    IncidentStatus
	actor Actor
	opts  []TransitionOption
}

// applySteps applies steps one minute apart after the incident's last event.
func applySteps(t testing.TB, inc *Incident, steps ...step) {
	t.Helper()
	for _, s := range steps {
		at := inc.Events[len(inc.Events)-1].Time.Add(time.Minute)
		if err := Transition(inc, s.to, s.actor, at, "", s.opts...); err != nil {
			t.Fatalf("%s → %s by %s: %v", inc.Status, s.to, s.actor, err)
		}
	}
}

func TestTransitionLegal(t *testing.T) {
	cases := []struct {
		name      string
		steps     []step
		status    IncidentStatus
		level     Level
		satisfied bool
	}{
		{"settled in the grid", []step{{StatusAccepted, workerA, nil}, {StatusHandling, workerA, nil},
			{StatusResolved, workerA, nil}, {StatusClosed, workerA, []TransitionOption{WithFeedback(true, 5)}}},
			StatusClosed, LevelGrid, true},
		{"escalated to the city", []step{{StatusEscalated, workerA, nil}, {StatusEscalated, community, nil},
			{StatusEscalated, street, nil}, {StatusAccepted, city, nil}, {StatusHandling, city, nil},
			{StatusResolved, city, nil}, {StatusClosed, city, []TransitionOption{WithFeedback(false, 2)}}},
			StatusClosed, LevelCity, false},
		{"leader holds the community level", []step{{StatusEscalated, workerA, nil}, {StatusAccepted, leader, nil}},
			StatusAccepted, LevelCommunity, false},
		{"returned down a level", []step{{StatusEscalated, workerA, nil}, {StatusEscalated, community, nil},
			{StatusReturned, street, nil}}, StatusReturned, LevelCommunity, false},
		{"returned at grid stays at grid", []step{{StatusReturned, leader, nil}, {StatusReported, workerA, nil}},
			StatusReported, LevelGrid, false},
		{"reopened after resolution", []step{{StatusAccepted, workerA, nil}, {StatusHandling, workerA, nil},
			{StatusResolved, workerA, nil}, {StatusHandling, leader, nil}}, StatusHandling, LevelGrid, false},
		{"duplicate", []step{{StatusDuplicate, leader, []TransitionOption{WithDuplicateOf("I0")}}},
			StatusDuplicate, LevelGrid, false},
		{"rejected by admin", []step{{StatusRejected, admin, nil}}, StatusRejected, LevelGrid, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inc := newIncident(t, "I1")
			applySteps(t, &inc, c.steps...)
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
			if c.status == StatusClosed && (inc.Satisfied == nil || *inc.Satisfied != c.satisfied) {
				t.Errorf("satisfied %v, want %v", inc.Satisfied, c.satisfied)
			}
			if c.status == StatusDuplicate && inc.DuplicateOf != "I0" {
				t.Errorf("duplicate of %q", inc.DuplicateOf)
			}
		})
	}
}

func TestTransitionRefused(t *testing.T) {
	cases := []struct {
		name   string
		before []step
		to     IncidentStatus
		actor  Actor
		opts   []TransitionOption
		at     time.Duration // after the last event
		want   error
	}{
		{"skip to closed", nil, StatusClosed, workerA, []TransitionOption{WithFeedback(true, 5)}, time.Minute, ErrIllegalTransition},
		{"unknown status", nil, "lost", admin, nil, time.Minute, ErrIllegalTransition},
		{"out of a final state", []step{{StatusRejected, leader, nil}}, StatusReported, admin, nil, time.Minute, ErrIllegalTransition},
		{"worker of another grid", nil, StatusAccepted, workerB, nil, time.Minute, ErrNotPermitted},
		{"worker may not reject", nil, StatusRejected, workerA, nil, time.Minute, ErrNotPermitted},
		{"community dispatcher at grid level", nil, StatusAccepted, community, nil, time.Minute, ErrNotPermitted},
		{"dispatcher of other grids", []step{{StatusEscalated, workerA, nil}}, StatusAccepted, otherComm, nil, time.Minute, ErrNotPermitted},
		{"worker above the grid", []step{{StatusEscalated, workerA, nil}}, StatusAccepted, workerA, nil, time.Minute, ErrNotPermitted},
		{"leader above the community", []step{{StatusEscalated, workerA, nil}, {StatusEscalated, leader, nil}},
			StatusAccepted, leader, nil, time.Minute, ErrNotPermitted},
		{"public may not act", nil, StatusAccepted, public, nil, time.Minute, ErrNotPermitted},
		{"beyond the city", []step{{StatusEscalated, workerA, nil}, {StatusEscalated, community, nil},
			{StatusEscalated, street, nil}, {StatusAccepted, city, nil}}, StatusEscalated, city, nil, time.Minute, ErrTopLevel},
		{"close without feedback", resolvedSteps, StatusClosed, workerA, nil, time.Minute, ErrFeedback},
		{"score 6", resolvedSteps, StatusClosed, workerA, []TransitionOption{WithFeedback(true, 6)}, time.Minute, ErrFeedback},
		{"score 0", resolvedSteps, StatusClosed, workerA, []TransitionOption{WithFeedback(false, 0)}, time.Minute, ErrFeedback},
		{"feedback when not closing", nil, StatusAccepted, workerA, []TransitionOption{WithFeedback(true, 5)}, time.Minute, ErrFeedback},
		{"duplicate without original", nil, StatusDuplicate, leader, nil, time.Minute, ErrDuplicateOf},
		{"duplicate of itself", nil, StatusDuplicate, leader, []TransitionOption{WithDuplicateOf("I1")}, time.Minute, ErrDuplicateOf},
		{"original when not duplicate", nil, StatusRejected, leader, []TransitionOption{WithDuplicateOf("I0")}, time.Minute, ErrDuplicateOf},
		{"back in time", nil, StatusAccepted, workerA, nil, -time.Second, ErrEventTime},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inc := newIncident(t, "I1")
			applySteps(t, &inc, c.before...)
			before := cloneIncident(inc)
			at := inc.Events[len(inc.Events)-1].Time.Add(c.at)
			err := Transition(&inc, c.to, c.actor, at, "no", c.opts...)
			var te *TransitionError
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

var resolvedSteps = []step{{StatusAccepted, workerA, nil}, {StatusHandling, workerA, nil}, {StatusResolved, workerA, nil}}

func cloneIncident(inc Incident) Incident {
	c := inc
	c.Events = slices.Clone(inc.Events)
	c.Flags = slices.Clone(inc.Flags)
	return c
}

// TestTransitionAppendOnly checks that each transition keeps every earlier
// event as it was, in place, and adds exactly one.
func TestTransitionAppendOnly(t *testing.T) {
	inc := newIncident(t, "I1")
	steps := []step{{StatusEscalated, workerA, nil}, {StatusReturned, community, nil}, {StatusAccepted, workerA, nil},
		{StatusHandling, workerA, nil}, {StatusResolved, workerA, nil}, {StatusClosed, leader, []TransitionOption{WithFeedback(true, 4)}}}
	for i, s := range steps {
		before := slices.Clone(inc.Events)
		applySteps(t, &inc, s)
		if len(inc.Events) != len(before)+1 {
			t.Fatalf("step %d: %d events, want %d", i, len(inc.Events), len(before)+1)
		}
		if !reflect.DeepEqual(inc.Events[:len(before)], before) {
			t.Fatalf("step %d rewrote earlier events", i)
		}
		e := inc.Events[len(before)]
		if e.From != before[len(before)-1].To || e.To != s.to || e.Actor != s.actor.String() {
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
	for _, s := range []IncidentStatus{StatusClosed, StatusRejected, StatusDuplicate} {
		if got := Allowed(s); got != nil || !s.Final() {
			t.Errorf("%s: allowed %v, final %v", s, got, s.Final())
		}
	}
	got := Allowed(StatusResolved)
	if want := []IncidentStatus{StatusClosed, StatusHandling}; !slices.Equal(got, want) {
		t.Errorf("from resolved %v, want %v", got, want)
	}
}

func TestActorString(t *testing.T) {
	cases := map[string]Actor{"worker:W1": workerA, "dispatcher:street": street, "admin": admin,
		"dispatcher:city:D9": {Role: ActorDispatcher, Level: LevelCity, Worker: "D9"}}
	for want, a := range cases {
		t.Run(want, func(t *testing.T) {
			if got := a.String(); got != want {
				t.Errorf("got %q", got)
			}
		})
	}
}
