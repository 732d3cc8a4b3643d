package app

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/data/gpkg"
)

// racingStore is a store on which another writer moves an incident right
// after this one read it, once: the interleaving two servers can meet.
type racingStore struct {
	data.Store
	other func(id incident.ID)
}

func (r *racingStore) Incident(ctx context.Context, id incident.ID) (incident.Incident, error) {
	inc, err := r.Store.Incident(ctx, id)
	if r.other != nil {
		other := r.other
		r.other = nil
		other(id)
	}
	return inc, err
}

// TestMoveIncidentLosesARace moves an incident that another App (on its
// own connection to the same GeoPackage file, like another server) moved
// between this App's read and its write: nothing of the loser is stored,
// and its error names the status now and the moves allowed from it.
func TestMoveIncidentLosesARace(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "race.gpkg")
	open := func() data.Store {
		s, err := gpkg.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	mine, theirs := &racingStore{Store: open()}, open()
	a, err := New(Options{Store: mine})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Options{Store: theirs})
	if err != nil {
		t.Fatal(err)
	}
	admin := incident.Actor{Role: incident.ActorAdmin}
	f, err := a.FileIncident(ctx, incident.Incident{Category: "litter", Location: orb.Point{7.42, 43.73}}, admin, "")
	if err != nil {
		t.Fatal(err)
	}
	id := f.Incident.ID
	mine.other = func(id incident.ID) {
		if _, err := b.MoveIncident(ctx, id, incident.StatusEscalated, admin, "the other server"); err != nil {
			t.Errorf("the other server's move: %v", err)
		}
	}
	_, err = a.MoveIncident(ctx, id, incident.StatusAccepted, admin, "this server")
	var tc *TransitionConflict
	if !errors.As(err, &tc) || !errors.Is(err, ErrConflict) || !errors.Is(err, data.ErrConflict) {
		t.Fatalf("err = %v, want a *TransitionConflict wrapping ErrConflict and data.ErrConflict", err)
	}
	if tc.Status != incident.StatusEscalated || len(tc.Allowed) == 0 {
		t.Errorf("conflict says status %s, allowed %v; want escalated and its moves", tc.Status, tc.Allowed)
	}
	stored, err := theirs.Incident(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Events) != 2 || stored.Status != incident.StatusEscalated || stored.Events[1].Note != "the other server" {
		t.Errorf("stored %s with %d events; want only the other server's move", stored.Status, len(stored.Events))
	}
}
