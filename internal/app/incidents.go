package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/internal/access"
	"wangge/partition"
)

// Actor is who p acts as in the incident loop (access.Actor), with the
// grids of the worker its token names read from the store.
func (a *App) Actor(ctx context.Context, p access.Principal) (incident.Actor, error) {
	var grids []partition.GridID
	if p.Worker != "" && (p.Role == data.RoleWorker || p.Role == data.RoleLeader) {
		w, err := a.Worker(ctx, p.Worker)
		switch {
		case err == nil:
			grids = w.Grids
		case !errors.Is(err, data.ErrNotFound):
			return incident.Actor{}, fmt.Errorf("app: worker %q of the token: %w", p.Worker, err)
		}
	}
	return access.Actor(p, grids)
}

// Filed is a new incident with the index of the plan it was located in
// (nil when no plan is in force).
type Filed struct {
	Incident incident.Incident
	Plan     *PlanIndex
}

// FileIncident creates and stores an incident from draft: its category
// must be configured; it is located in a grid of the plan in force (kept
// even if a later plan moves the boundary) and starts at grid level, or,
// outside every grid, is flagged and starts at street level (with no plan
// in force it is flagged incident.FlagNoPlan, to be located when one is
// published); it gets a
// new id unless the draft carries one (the demo's synthetic ids). The
// actor reports it (incident.Create checks that it may).
func (a *App) FileIncident(ctx context.Context, draft incident.Incident, actor incident.Actor, note string) (Filed, error) {
	if err := checkDraft(draft); err != nil {
		return Filed{}, err
	}
	if a.categories != nil && !a.categories[draft.Category] {
		return Filed{}, &FieldError{Field: "category", Reason: fmt.Sprintf("%q is not a configured category; "+
			"GET /open311/v2/services.json lists the codes", draft.Category)}
	}
	pi, err := a.InForce(ctx)
	if err != nil {
		return Filed{}, err
	}
	var locator incident.GridLocator
	if pi != nil {
		locator = pi.grids
	} else {
		draft.Flags = append(slices.Clip(draft.Flags), incident.FlagNoPlan)
	}
	at := a.Now()
	if draft.ID == "" {
		draft.ID = incident.ID(NewID("inc", at))
	}
	inc, err := incident.Create(draft, actor, at, note, locator)
	if err != nil {
		return Filed{}, err
	}
	if err := a.store.PutIncidents(ctx, []incident.Incident{inc}); err != nil {
		return Filed{}, fmt.Errorf("app: store incident: %w", err)
	}
	a.log.Info("incident reported", "incident", string(inc.ID), "grid", string(inc.Grid), "actor", actor.String())
	return Filed{Incident: inc, Plan: pi}, nil
}

// MoveIncident takes incident id through one transition by actor (the
// state machine of package incident decides whether it may), then stores
// it as a compare-and-set on the version read: when another writer moved
// the incident meanwhile, nothing is stored and the answer is a
// *TransitionConflict naming the status now and the moves allowed from
// it. The event is appended to the stored log, which is never rewritten.
func (a *App) MoveIncident(ctx context.Context, id incident.ID, to incident.Status, actor incident.Actor, note string, opts ...incident.TransitionOption) (incident.Incident, error) {
	if err := checkText("note", note, MaxDescription); err != nil {
		return incident.Incident{}, err
	}
	inc, err := a.store.Incident(ctx, id)
	if err != nil {
		return inc, fmt.Errorf("app: incident %q: %w", id, err)
	}
	version := len(inc.Events)
	at := a.Now()
	if last := inc.Events[version-1].Time; at.Before(last) {
		at = last // another server's clock ran ahead: keep the log in order
	}
	if err := incident.Transition(&inc, to, actor, at, note, opts...); err != nil {
		return inc, err
	}
	err = a.store.UpdateIncident(ctx, inc, version)
	if errors.Is(err, data.ErrConflict) {
		cur, rerr := a.store.Incident(ctx, id)
		if rerr != nil {
			return inc, errors.Join(err, rerr)
		}
		return cur, &TransitionConflict{Incident: id, Status: cur.Status, Allowed: incident.Allowed(cur.Status), Err: err}
	}
	if err != nil {
		return inc, fmt.Errorf("app: store incident %q: %w", id, err)
	}
	a.log.Info("incident moved", "incident", string(id), "to", string(to), "actor", actor.String())
	return inc, nil
}

// NewID makes a unique id: prefix, the time to the millisecond and 40
// random bits, so ids sort by creation and never collide across servers.
func NewID(prefix string, at time.Time) string {
	var b [5]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + "-" + at.UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b[:])
}
