package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
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

// uploadLag is how long before a request the fixes of workers without a
// stay in progress are read again by the next request (data.VisitState's
// Checked): fixes uploaded within it of being taken are examined even when
// they are committed while a request is examining the others. Later ones
// move the state back as they are stored (PutTrackPoints), unless they
// are committed between a request's read of the fixes and its store of
// the state.
const uploadLag = patrol.DefaultGapThreshold

// PutKeyPlaces inserts or replaces key places, all or none, each within
// p's scope as written and, when it exists, as stored (a leader may not
// take over a place of another grid by its id). A new place is stamped
// Added now; a replaced one keeps its stamp. Every write is
// audit-logged with the place ids. When a place is new or moved, the
// fixes of the look-back are examined again for visits: the box of the
// fixes read changes with the places, and a new place may have been
// visited already.
func (a *App) PutKeyPlaces(ctx context.Context, p access.Principal, places []patrol.KeyPlace) error {
	places = slices.Clone(places)
	ids := make([]patrol.KeyPlaceID, len(places))
	moved := false // a place new or at another location
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
			moved = moved || old.Location != k.Location
		case errors.Is(err, data.ErrNotFound):
			places[i].Added = a.now().UTC()
			moved = true
		default:
			return fmt.Errorf("app: key place %q: %w", k.ID, err)
		}
		ids[i] = k.ID
	}
	if err := a.store.PutKeyPlaces(ctx, places); err != nil {
		return fmt.Errorf("app: store %d key places: %w", len(places), err)
	}
	a.audit(p, "key places written", "count", len(ids), "places", ids)
	if moved {
		return wrapErr("app: examine visits again", data.ExamineVisitsAgain(ctx, a.store))
	}
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
// the stops in [since, now) of every worker, reading only the fixes not
// yet examined (data.VisitState): a worker's fixes from its Resume time
// (the first fix of the stay it may still be in, patrol.Stops), or from
// the end of the last examination, and never before since. One read of
// the key places, of the state, and of the fixes in the box of all places
// (widened by the visit radius and stopMargin) from the earliest of
// those; stops visit the places within patrol.DefaultVisitRadius
// (patrol.Visits). The visits that moved forward and the new state are
// stored in one transaction, the state only if no one moved it meanwhile
// (another server examining the same fixes, new fixes arriving late,
// places changed: the next request reads those fixes again). Scanning
// from Resume gives the stops a scan of the whole look-back gives, so
// every answer is the one of a route reading every fix since since at
// each request, the visits it found before stored
// (TestOverdueIncremental). It returns every place and the ids of those
// that moved.
func (a *App) updateVisits(ctx context.Context, since, now time.Time) ([]patrol.KeyPlace, map[patrol.KeyPlaceID]bool, error) {
	places, err := a.store.KeyPlaces(ctx, data.BBoxQuery{})
	if err != nil || len(places) == 0 {
		return places, nil, wrapErr("app: list key places", err)
	}
	st, err := a.store.VisitState(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("app: visit state: %w", err)
	}
	old := st.Version
	if since.Before(st.Since) { // a longer look-back than examined: all of it
		st = data.VisitState{}
	}
	// next.Since stays unless fixes before since are left unexamined.
	next := data.VisitState{Since: st.Since, Checked: now.Add(-uploadLag), Resume: map[patrol.WorkerID]time.Time{}}
	from := func(t time.Time) time.Time {
		if t.Before(since) {
			next.Since = since
			return since
		}
		return t
	}
	checked := from(st.Checked) // of the workers without a Resume time
	earliest := checked
	start := map[patrol.WorkerID]time.Time{}
	for w, t := range st.Resume {
		start[w] = from(t)
		earliest = minTime(earliest, start[w])
	}
	box := places[0].Location.Bound()
	for _, p := range places[1:] {
		box = box.Extend(p.Location)
	}
	box = orbgeo.BoundPad(box, patrol.DefaultVisitRadius+stopMargin)
	pts, err := a.store.TrackPoints(ctx, data.TrackQuery{From: earliest, To: now, BBox: &box})
	if err != nil {
		return nil, nil, fmt.Errorf("app: fixes near key places: %w", err)
	}
	var stops []patrol.Stop
	for lo := 0; lo < len(pts); { // pts come ordered by worker, then time
		hi := lo + 1
		for hi < len(pts) && pts[hi].Worker == pts[lo].Worker {
			hi++
		}
		w, run := pts[lo].Worker, pts[lo:hi]
		t, ok := start[w]
		if !ok {
			t = checked
		}
		run = run[sort.Search(len(run), func(i int) bool { return !run[i].Time.Before(t) }):]
		lo = hi
		if len(run) == 0 {
			continue
		}
		found, open := patrol.Stops(run, patrol.TrajectoryOptions{})
		stops = append(stops, found...)
		next.Resume[w] = run[open].Time
	}
	updated := patrol.Visits(places, stops, patrol.DefaultVisitRadius)
	visits := map[patrol.KeyPlaceID]time.Time{}
	moved := map[patrol.KeyPlaceID]bool{}
	for i, p := range updated {
		if p.LastVisited.After(places[i].LastVisited) {
			visits[p.ID] = p.LastVisited
			moved[p.ID] = true
		}
	}
	stored, err := a.store.RecordVisits(ctx, visits, old, &next)
	if err != nil {
		return nil, nil, fmt.Errorf("app: store %d visits: %w", len(visits), err)
	}
	if !stored {
		a.log.Info("visit state moved meanwhile: its fixes are examined again next time", "version", old)
	}
	return updated, moved, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// wrapErr wraps a non-nil err with what was being done.
func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
