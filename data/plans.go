package data

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"wangge/partition"
)

// InForce picks the plan in force from a list of plans: of the published
// ones, the one published last, ties broken by the greater id (a publish
// that failed half-way may leave two). ok is false when none is published.
func InForce(plans []partition.Plan) (id partition.PlanID, ok bool) {
	var cur *partition.Plan
	for i, p := range plans {
		if p.Status == partition.PlanPublished && (cur == nil ||
			cmp.Or(p.Published.Compare(cur.Published), cmp.Compare(p.ID, cur.ID)) > 0) {
			cur = &plans[i]
		}
	}
	if cur == nil {
		return "", false
	}
	return cur.ID, true
}

// PublishedPlan returns the plan in force (see InForce) with its grids.
// With none published it returns an error wrapping ErrNotFound.
func PublishedPlan(ctx context.Context, s Store) (partition.Plan, error) {
	plans, err := s.Plans(ctx)
	if err != nil {
		return partition.Plan{}, err
	}
	id, ok := InForce(plans)
	if !ok {
		return partition.Plan{}, fmt.Errorf("data: published plan: %w", ErrNotFound)
	}
	return s.Plan(ctx, id)
}

// PlanAt picks from pubs (as PlanStore.Publications lists them) the plan
// in force at t: the latest publication with From <= t < To (or no To).
// ok is false when no plan was in force at t.
func PlanAt(pubs []Publication, t time.Time) (id partition.PlanID, ok bool) {
	for _, p := range slices.Backward(pubs) {
		if !t.Before(p.From) && (p.To.IsZero() || t.Before(p.To)) {
			return p.Plan, true
		}
	}
	return "", false
}
