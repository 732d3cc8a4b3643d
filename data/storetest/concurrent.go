package storetest

import (
	"errors"
	"fmt"
	"sync"

	"wangge/coverage/incident"
	"wangge/data"
)

// This file holds the cases where two stores opened on the same data, as
// two `wangge serve` processes would be, race on one write: the store
// itself must let exactly one win.

// race runs each of fs in a goroutine of its own, released together, and
// returns their errors in the order of fs.
func race(fs ...func() error) []error {
	errs := make([]error, len(fs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Go(func() {
			<-start
			errs[i] = f()
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWins fails unless exactly one of errs is nil and every other wraps
// data.ErrConflict; it returns the index of the winner.
func oneWins(e *env, what string, errs []error) int {
	e.t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			e.t.Fatalf("%s: writers %d and %d both won", what, winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, data.ErrConflict):
			e.t.Fatalf("%s: writer %d: %v, want nil or an error wrapping data.ErrConflict", what, i, err)
		}
	}
	if winner < 0 {
		e.t.Fatalf("%s: no writer won: %v", what, errs)
	}
	return winner
}

// testIncidentRace has two stores read each of 40 incidents at the same
// version and move it on in different ways at once: one update per
// incident wins, the other fails with ErrConflict, and every stored
// incident is the winner's, its status the last event's.
func testIncidentRace(e *env) {
	t := e.t
	stores := []data.Store{e.s, e.another()}
	targets := []incident.Status{incident.StatusAccepted, incident.StatusEscalated}
	base := sampleIncidents()[3] // reported, one event
	var all []incident.Incident
	for i := range 40 {
		in := base
		in.ID = incident.ID(fmt.Sprintf("race%02d", i))
		all = append(all, in)
	}
	must(t, "put incidents", e.s.PutIncidents(e.ctx, all))

	updates := make([][]incident.Incident, len(all)) // per incident, per store
	var fs []func() error
	for i, in := range all {
		for w, s := range stores {
			read, err := s.Incident(e.ctx, in.ID)
			must(t, fmt.Sprintf("store %d reads %s", w, in.ID), err)
			up := moved(t, read, targets[w])
			updates[i] = append(updates[i], up)
			fs = append(fs, func() error { return s.UpdateIncident(e.ctx, up, len(read.Events)) })
		}
	}
	errs := race(fs...)
	c := incidentCRUD(e)
	for i, in := range all {
		w := oneWins(e, "incident "+string(in.ID), errs[2*i:2*i+2])
		got, err := e.s.Incident(e.ctx, in.ID)
		must(t, "get "+string(in.ID), err)
		c.same(t, fmt.Sprintf("incident %s (won by store %d)", in.ID, w), updates[i][w], got)
		if last := got.Events[len(got.Events)-1]; got.Status != last.To || len(got.Events) != 2 {
			t.Fatalf("incident %s: status %s with %d events, the last to %s; want 2 events, the last to the status",
				in.ID, got.Status, len(got.Events), last.To)
		}
	}
}
