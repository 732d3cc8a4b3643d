package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
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

// testPublishRace has two stores publish two different plans at once, 20
// times over: afterwards exactly one plan is published, one of the two.
func testPublishRace(e *env) {
	t := e.t
	blocks := providence(t)
	t0 := time.Date(2026, 4, 2, 8, 0, 0, 0, time.UTC)
	stores := []data.Store{e.s, e.another()}
	ids := []partition.PlanID{"p1", "p2"}
	must(t, "put the plan in force", e.s.PutPlan(e.ctx, samplePlan("p0", t0, blocks)))
	_, err := e.s.PublishPlan(e.ctx, "p0", t0)
	must(t, "publish p0", err)
	for _, id := range ids {
		must(t, "put plan "+string(id), e.s.PutPlan(e.ctx, samplePlan(id, t0, blocks)))
	}
	for round := range 20 {
		at := t0.Add(time.Duration(round+1) * time.Minute)
		errs := race(
			func() error { _, err := stores[0].PublishPlan(e.ctx, ids[0], at); return err },
			func() error { _, err := stores[1].PublishPlan(e.ctx, ids[1], at); return err },
		)
		for i, err := range errs {
			must(t, fmt.Sprintf("round %d: publish %s", round, ids[i]), err)
		}
		if got := publishedPlans(e); len(got) != 1 || !slices.Contains(ids, got[0]) {
			t.Fatalf("round %d: published plans %v, want one of %v", round, got, ids)
		}
	}
}

// testDeviceRace has two stores register two new workers with the same new
// device at once, 30 times over: exactly one worker is stored each time,
// and the device is the winner's.
func testDeviceRace(e *env) {
	t := e.t
	stores := []data.Store{e.s, e.another()}
	for round := range 30 {
		device := fmt.Sprintf("imei-%02d", round)
		ws := []patrol.Worker{
			{ID: patrol.WorkerID(fmt.Sprintf("r%02da", round)), Role: patrol.RoleFullTime, DeviceID: device},
			{ID: patrol.WorkerID(fmt.Sprintf("r%02db", round)), Role: patrol.RoleFullTime, DeviceID: device},
		}
		errs := race(
			func() error { return stores[0].PutWorkers(e.ctx, ws[:1]) },
			func() error { return stores[1].PutWorkers(e.ctx, ws[1:]) },
		)
		w := oneWins(e, "device "+device, errs)
		got, err := e.s.WorkerByDevice(e.ctx, device)
		must(t, "worker by device "+device, err)
		if got.ID != ws[w].ID {
			t.Fatalf("device %s is carried by %s, want the winner %s", device, got.ID, ws[w].ID)
		}
		_, err = e.s.Worker(e.ctx, ws[1-w].ID)
		mustNotFound(t, "the loser "+string(ws[1-w].ID), err)
	}
}

// retryBusy runs write until it returns anything but an error wrapping
// data.ErrBusy, at most five times, as a client answered 503 would.
func retryBusy(e *env, what string, write func() error) error {
	for try := 1; ; try++ {
		err := write()
		if !errors.Is(err, data.ErrBusy) || try == 5 {
			return err
		}
		e.t.Logf("%s: %v; retrying", what, err)
		time.Sleep(100 * time.Millisecond)
	}
}

// testConcurrentWrites has two stores on the same data write from four
// goroutines each at once, fixes and incidents with their updates: no
// write fails with anything but ErrBusy (retried, and logged) and nothing
// is lost.
func testConcurrentWrites(e *env) {
	t := e.t
	const writers, rounds, size = 4, 10, 200
	stores := []data.Store{e.s, e.another()}
	base := sampleIncidents()[3] // reported, one event
	var fs []func() error
	var all []incident.Incident
	for si, s := range stores {
		for w := range writers {
			worker := patrol.WorkerID(fmt.Sprintf("h%d%d", si, w))
			var mine []incident.Incident
			for r := range rounds {
				in := base
				in.ID = incident.ID(fmt.Sprintf("%s-%02d", worker, r))
				mine = append(mine, moved(t, in, incident.StatusAccepted))
			}
			all = append(all, mine...)
			fs = append(fs, func() error {
				for r, up := range mine {
					in := base
					in.ID = up.ID
					writes := []struct {
						what  string
						write func() error
					}{
						{"put fixes", func() error { _, err := s.PutTrackPoints(e.ctx, Fixes(worker, r*size, size)); return err }},
						{"put incident", func() error { return s.PutIncidents(e.ctx, []incident.Incident{in}) }},
						{"update incident", func() error { return s.UpdateIncident(e.ctx, up, 1) }},
					}
					for _, w := range writes {
						what := fmt.Sprintf("%s, round %d: %s", worker, r, w.what)
						if err := retryBusy(e, what, w.write); err != nil {
							return fmt.Errorf("%s: %w", what, err)
						}
					}
				}
				return nil
			})
		}
	}
	for _, err := range race(fs...) {
		must(t, "concurrent writes", err)
	}
	fixes, err := e.s.TrackPoints(e.ctx, data.TrackQuery{})
	must(t, "read fixes", err)
	if want := len(stores) * writers * rounds * size; len(fixes) != want {
		t.Fatalf("%d fixes stored, want %d", len(fixes), want)
	}
	got, err := e.s.Incidents(e.ctx, data.IncidentQuery{})
	must(t, "read incidents", err)
	if len(got) != len(all) {
		t.Fatalf("%d incidents stored, want %d", len(got), len(all))
	}
	slices.SortFunc(all, func(a, b incident.Incident) int { return strings.Compare(string(a.ID), string(b.ID)) })
	c := incidentCRUD(e)
	for i := range all {
		c.same(t, "incident "+string(all[i].ID), all[i], got[i])
	}
}
