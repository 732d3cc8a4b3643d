package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/internal/access"
	"wangge/partition"
)

// Published is the outcome of a publication: the plan now in force and
// the plans it took over from, which are drafts again.
type Published struct {
	Plan       partition.Plan
	Superseded []partition.PlanID
	Located    int // incidents filed while no plan was in force, now located in it
}

// PublishPlan makes plan id the one plan in force, in one transaction of
// the store (which also enforces that at most one plan is published): the
// plan published before becomes superseded (it may be published again,
// not edited); the audit log keeps when it was in force. A plan with
// errors (Validate, over the stored blocks) is refused with *PlanErrors
// unless force is set; the audit log says when it was forced. Publishing
// the published plan changes nothing. New incidents are located in the
// grids of the plan in force; incidents already reported keep their grid,
// except those filed while no plan was in force, which are located in
// this one (locateUnplanned).
func (a *App) PublishPlan(ctx context.Context, p access.Principal, id partition.PlanID, force bool) (Published, error) {
	if err := access.Check(p, access.Write, access.PlanOf(id)); err != nil {
		return Published{}, err
	}
	// A forced publication skips the check: it is for plans the check
	// refuses or cannot read (no partition options stored with them).
	var val Validation
	if !force {
		var err error
		if val, err = a.ValidatePlan(ctx, PlanRef{Plan: id}); err != nil {
			return Published{}, err
		}
		if val.Errors > 0 {
			return Published{}, &PlanErrors{Plan: id, Problems: val.Problems}
		}
	}
	superseded, err := a.store.PublishPlan(ctx, id, a.now().UTC().Truncate(time.Second))
	if err != nil {
		return Published{}, fmt.Errorf("app: publish plan %q: %w", id, err)
	}
	a.forget("plans")
	plan, err := a.store.Plan(ctx, id)
	if err != nil {
		return Published{}, fmt.Errorf("app: plan %q after publishing: %w", id, err)
	}
	if superseded == nil {
		superseded = []partition.PlanID{}
	}
	a.audit(p, "plan changed", "plan", string(id), "action", "publish", "superseded", superseded, "forced", force)
	for _, old := range superseded {
		a.audit(p, "plan changed", "plan", string(old), "action", "unpublish", "superseded_by", string(id))
	}
	located, err := a.locateUnplanned(ctx, plan)
	if err != nil {
		return Published{}, fmt.Errorf("app: plan %q is published, but: %w", id, err)
	}
	return Published{Plan: plan, Superseded: superseded, Located: located}, nil
}

// locateUnplanned is the second step of publishing: the incidents filed
// while no plan was in force (flagged incident.FlagNoPlan) are located in
// the grids of plan, each with an event saying so (incident.LocateUnplanned),
// and stored one by one as compare-and-set updates, so that a transition
// another server makes meanwhile is kept (that incident is read again and
// located on top of it). It returns how many it located; publishing again
// finds none left.
func (a *App) locateUnplanned(ctx context.Context, plan partition.Plan) (int, error) {
	all, err := a.store.Incidents(ctx, data.IncidentQuery{})
	if err != nil {
		return 0, fmt.Errorf("list incidents to locate: %w", err)
	}
	locator := incident.NewGridIndex(plan.Grids)
	n := 0
	for _, inc := range all {
		for {
			version := len(inc.Events)
			if !incident.LocateUnplanned(&inc, plan.ID, locator, a.Now()) {
				break
			}
			err := a.store.UpdateIncident(ctx, inc, version)
			if errors.Is(err, data.ErrConflict) {
				if inc, err = a.store.Incident(ctx, inc.ID); err == nil {
					continue
				}
			}
			if err != nil {
				return n, fmt.Errorf("locate incident %q: %w", inc.ID, err)
			}
			n++
			a.log.Info("incident located", "incident", string(inc.ID), "grid", string(inc.Grid), "plan", string(plan.ID))
			break
		}
	}
	return n, nil
}

// DeletePlan deletes a plan that is not in force (the store refuses the
// plan in force: new incidents need its grids).
func (a *App) DeletePlan(ctx context.Context, p access.Principal, id partition.PlanID) error {
	if err := access.Check(p, access.Write, access.PlanOf(id)); err != nil {
		return err
	}
	if err := a.store.DeletePlan(ctx, id); err != nil {
		return fmt.Errorf("app: delete plan %q: %w", id, err)
	}
	a.forget("plans")
	a.audit(p, "plan changed", "plan", string(id), "action", "delete")
	return nil
}

// PutPlan stores a drawn plan as a new draft, at version 1 (the store
// refuses an id it holds), and audit-logs it.
func (a *App) PutPlan(ctx context.Context, p access.Principal, plan partition.Plan) error {
	if err := access.Check(p, access.Write, access.PlanOf(plan.ID)); err != nil {
		return err
	}
	return a.putVersion(ctx, p, plan, data.PlanVersion{Plan: plan.ID, Number: 1, Edit: "drawn", Created: plan.Created})
}

// audit logs a change or a read of personal data: who (the token id and
// role, never the secret), what, and details as key-value pairs.
func (a *App) audit(p access.Principal, msg string, details ...any) {
	args := append([]any{"audit", true, "token", p.TokenID, "role", string(p.Role)}, details...)
	a.log.Info(msg, args...)
}
