// Package incidenttest holds fixtures for tests of the incident loop: two
// grids side by side, actors of every role, and helpers that file an
// incident and move it through the state machine.
package incidenttest

import (
	"testing"
	"time"
	"wangge/coverage/incident"
	"wangge/partition"

	"github.com/paulmach/orb"
)

// Two unit-ish squares side by side in Zaozhuang, both in community C1.
var (
	GridA   = partition.Grid{ID: "G1", Parent: "C1", Geometry: Square(117.50, 34.80, 0.01)}
	GridB   = partition.Grid{ID: "G2", Parent: "C1", Geometry: Square(117.51, 34.80, 0.01)}
	InA     = orb.Point{117.505, 34.805}
	InB     = orb.Point{117.515, 34.805}
	Nowhere = orb.Point{118.0, 35.0}
	T0      = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
)

var (
	WorkerA        = incident.Actor{Role: incident.ActorWorker, Worker: "W1", Grids: []partition.GridID{"G1"}}
	WorkerB        = incident.Actor{Role: incident.ActorWorker, Worker: "W2", Grids: []partition.GridID{"G2"}}
	Leader         = incident.Actor{Role: incident.ActorLeader, Worker: "L1", Grids: []partition.GridID{"G1", "G2"}}
	Community      = incident.Actor{Role: incident.ActorDispatcher, Level: incident.LevelCommunity, Grids: []partition.GridID{"G1", "G2"}}
	OtherCommunity = incident.Actor{Role: incident.ActorDispatcher, Level: incident.LevelCommunity, Grids: []partition.GridID{"G9"}}
	Street         = incident.Actor{Role: incident.ActorDispatcher, Level: incident.LevelStreet}
	City           = incident.Actor{Role: incident.ActorDispatcher, Level: incident.LevelCity}
	Admin          = incident.Actor{Role: incident.ActorAdmin}
	Public         = incident.Actor{Role: incident.ActorPublic}
)

// Square is the square of side d degrees with its south-west corner at x, y.
func Square(x, y, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
}

// Index locates points in GridA and GridB.
func Index() *incident.GridIndex { return incident.NewGridIndex([]partition.Grid{GridA, GridB}) }

// New creates a reported incident in grid A through Create.
func New(t testing.TB, id incident.ID) incident.Incident {
	t.Helper()
	inc, err := incident.Create(incident.Incident{ID: id, Category: "litter", Location: InA}, WorkerA, T0, "found", Index())
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// Step is one transition to make in a test, with its note.
type Step struct {
	To    incident.Status
	Actor incident.Actor
	Opts  []incident.TransitionOption
	Note  string
}

// Apply applies steps one minute apart after the incident's last event.
func Apply(t testing.TB, inc *incident.Incident, steps ...Step) {
	t.Helper()
	for _, s := range steps {
		at := inc.Events[len(inc.Events)-1].Time.Add(time.Minute)
		if err := incident.Transition(inc, s.To, s.Actor, at, s.Note, s.Opts...); err != nil {
			t.Fatalf("%s → %s by %s: %v", inc.Status, s.To, s.Actor, err)
		}
	}
}
