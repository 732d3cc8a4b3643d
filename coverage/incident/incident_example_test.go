package incident_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/partition"
)

// A worker reports a problem in grid G1, cannot settle it and escalates it;
// the community dispatcher handles it and the resident's feedback closes
// it. A worker trying to close it early is refused.
func ExampleTransition() {
	grids := []partition.Grid{{ID: "G1", Parent: "C1", Geometry: orb.MultiPolygon{
		{{{117.50, 34.80}, {117.51, 34.80}, {117.51, 34.81}, {117.50, 34.81}, {117.50, 34.80}}}}}}
	worker := incident.Actor{Role: incident.ActorWorker, Worker: "W1", Grids: []partition.GridID{"G1"}}
	dispatcher := incident.Actor{Role: incident.ActorDispatcher, Level: incident.LevelCommunity}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

	inc, err := incident.Create(incident.Incident{ID: "I1", Category: "leak", Location: orb.Point{117.505, 34.805}},
		worker, at, "water on the stairs", incident.NewGridIndex(grids))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = incident.Transition(&inc, incident.StatusClosed, worker, at.Add(time.Hour), "", incident.WithFeedback(true, 5))
	var te *incident.TransitionError
	fmt.Println(errors.As(err, &te), errors.Is(err, incident.ErrIllegalTransition))

	steps := []struct {
		to    incident.Status
		actor incident.Actor
	}{
		{incident.StatusEscalated, worker},
		{incident.StatusAccepted, dispatcher},
		{incident.StatusHandling, dispatcher},
		{incident.StatusResolved, dispatcher},
	}
	for i, s := range steps {
		if err := incident.Transition(&inc, s.to, s.actor, at.Add(time.Duration(i+1)*time.Hour), ""); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := incident.Transition(&inc, incident.StatusClosed, dispatcher, at.Add(6*time.Hour), "thanks",
		incident.WithFeedback(true, 5)); err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range inc.Events {
		fmt.Printf("%s %-22s %-10s → %-9s %s\n", e.Time.Format("15:04"), e.Actor, e.From, e.To, e.Level)
	}
	// Output:
	// true true
	// 09:00 worker:W1                         → reported  grid
	// 10:00 worker:W1              reported   → escalated community
	// 11:00 dispatcher:community   escalated  → accepted  community
	// 12:00 dispatcher:community   accepted   → handling  community
	// 13:00 dispatcher:community   handling   → resolved  community
	// 15:00 dispatcher:community   resolved   → closed    community
}
