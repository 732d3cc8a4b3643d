package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	orbgeo "github.com/paulmach/orb/geo"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/access"
	"wangge/partition"
)

// stopMargin widens the box of the places when reading fixes for visits:
// stops are local, and a false stop where a track leaves the box and comes
// back lies at its edge, farther than the visit radius from any place.
const stopMargin = 200.0

// PutKeyPlaces inserts or replaces key places, all or none, each within
// p's scope as written and, when it exists, as stored (a leader may not
// take over a place of another grid by its id). A new place is stamped
// Added now; a replaced one keeps its stamp. Every write is
// audit-logged with the place ids.
func (a *App) PutKeyPlaces(ctx context.Context, p access.Principal, places []patrol.KeyPlace) error {
	places = slices.Clone(places)
	ids := make([]patrol.KeyPlaceID, len(places))
	for i, k := range places {
		if err := access.Check(p, access.Write, access.KeyPlaceOf(k)); err != nil {
			return err
		}
		old, err := a.store.KeyPlace(ctx, k.ID)
		switch {
		case err == nil:
			if err := access.Check(p, access.Write, access.KeyPlaceOf(old)); err != nil {
				return err
			}
			places[i].Added = old.Added // registered then, whatever the client says
		case errors.Is(err, data.ErrNotFound):
			places[i].Added = a.now().UTC()
		default:
			return fmt.Errorf("app: key place %q: %w", k.ID, err)
		}
		ids[i] = k.ID
	}
	if err := a.store.PutKeyPlaces(ctx, places); err != nil {
		return fmt.Errorf("app: store %d key places: %w", len(places), err)
	}
	a.audit(p, "key places written", "count", len(ids), "places", ids)
	return nil
}

// Overdue is the answer of the overdue-visits use case.
type Overdue struct {
	AsOf   time.Time            `json:"as_of"`
	Since  time.Time            `json:"stops_since"` // start of the look-back for visits
	Radius float64              `json:"visit_radius_m"`
	Visits int                  `json:"visits_found"` // places whose last visit moved forward
	Count  int                  `json:"count"`
	Grids  []patrol.OverdueGrid `json:"grids"`
}

// OverdueVisits lists the key places p may see (grid, or every grid in
// p's scope when empty) whose last visit is older than their visit
// interval, or that were never visited, per grid (patrol.Overdue). Visits
// of every place are brought up to date first, in one read of the fixes
// near the places (updateVisits), and a last visit that moved forward is
// stored. Every answer is audit-logged with the places it returned.
func (a *App) OverdueVisits(ctx context.Context, p access.Principal, grid partition.GridID, days int) (Overdue, error) {
	if grid == "" && p.Role != data.RoleAdmin {
		grid = p.Grid // a leader's own grid; none for a leader scoped to none, refused below
	}
	if grid != "" || p.Role != data.RoleAdmin {
		if err := access.Check(p, access.Read, access.Resource{Kind: access.KeyPlace, ID: "of grid " + string(grid), Grids: []partition.GridID{grid}}); err != nil {
			return Overdue{}, err
		}
	}
	now := a.now().UTC()
	ans := Overdue{AsOf: now, Since: now.AddDate(0, 0, -days), Radius: patrol.DefaultVisitRadius, Grids: []patrol.OverdueGrid{}}
	all, moved, err := a.updateVisits(ctx, ans.Since, now)
	if err != nil {
		return Overdue{}, err
	}
	var places []patrol.KeyPlace
	for _, k := range all {
		if (grid == "" || k.Grid == grid) && access.Check(p, access.Read, access.KeyPlaceOf(k)) == nil {
			places = append(places, k)
			if moved[k.ID] {
				ans.Visits++
			}
		}
	}
	ans.Grids = append(ans.Grids, patrol.Overdue(places, now)...)
	var shown []patrol.KeyPlaceID // in the order of the answer
	for _, g := range ans.Grids {
		for _, k := range g.Places {
			shown = append(shown, k.ID)
		}
	}
	ans.Count = len(shown)
	a.audit(p, "key places read", "count", len(shown), "places", shown)
	return ans, nil
}

// updateVisits brings the last visits of every key place up to date with
// the stops in [since, now) of every worker: one read of the key places
// and one of the fixes in the box of all places (widened by the visit
// radius and stopMargin), whatever the grids asked for (it read the fixes
// once per grid before). Fixes are read over the whole look-back each
// time, as a phone may upload fixes it kept offline at any moment. Stops (patrol.Trajectory, per worker)
// visit the places within patrol.DefaultVisitRadius (patrol.Visits); the
// places whose last visit moved forward are stored. It returns every
// place and the ids of those that moved.
func (a *App) updateVisits(ctx context.Context, since, now time.Time) ([]patrol.KeyPlace, map[patrol.KeyPlaceID]bool, error) {
	places, err := a.store.KeyPlaces(ctx, data.BBoxQuery{})
	if err != nil || len(places) == 0 {
		return places, nil, wrapErr("app: list key places", err)
	}
	box := places[0].Location.Bound()
	for _, p := range places[1:] {
		box = box.Extend(p.Location)
	}
	box = orbgeo.BoundPad(box, patrol.DefaultVisitRadius+stopMargin)
	pts, err := a.store.TrackPoints(ctx, data.TrackQuery{From: since, To: now, BBox: &box})
	if err != nil {
		return nil, nil, fmt.Errorf("app: fixes near key places: %w", err)
	}
	var stops []patrol.Stop
	for lo := 0; lo < len(pts); { // pts come ordered by worker, then time
		hi := lo + 1
		for hi < len(pts) && pts[hi].Worker == pts[lo].Worker {
			hi++
		}
		stops = append(stops, patrol.Trajectory(pts[lo:hi], patrol.TrajectoryOptions{}).Stops...)
		lo = hi
	}
	updated := patrol.Visits(places, stops, patrol.DefaultVisitRadius)
	var changed []patrol.KeyPlace
	moved := map[patrol.KeyPlaceID]bool{}
	for i, p := range updated {
		if p.LastVisited.After(places[i].LastVisited) {
			changed = append(changed, p)
			moved[p.ID] = true
		}
	}
	if len(changed) > 0 {
		if err := a.store.PutKeyPlaces(ctx, changed); err != nil {
			return nil, nil, fmt.Errorf("app: store %d visits: %w", len(changed), err)
		}
	}
	return updated, moved, nil
}

// wrapErr wraps a non-nil err with what was being done.
func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
