package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage"
	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/coverage/workload"
	"wangge/data"
	"wangge/internal/access"
	"wangge/internal/window"
	"wangge/partition"
)

// lookBack is how far before a day or month the work log and the
// assessment read incidents (whose events of the day may be on older
// ones) and stops (for the last visit of a key place): a month, the
// longest visit interval of the defaults.
const lookBack = 31 * 24 * time.Hour

// WorkLog is worker id's work log of day (workload.Log): its trajectory
// against its grids of the plan in force, their H3 coverage that day, the
// key places of its grids visited and overdue, what it did to incidents
// and its base-information reports. p must be allowed to read the worker.
func (a *App) WorkLog(ctx context.Context, p access.Principal, id patrol.WorkerID, day window.Window) (workload.DayLog, error) {
	w, err := a.WorkerFor(ctx, p, id)
	if err != nil {
		return workload.DayLog{}, err
	}
	own, err := a.ownGrids(ctx, w)
	if err != nil {
		return workload.DayLog{}, err
	}
	pts, err := a.store.TrackPoints(ctx, data.TrackQuery{Worker: w.ID, From: day.From.Add(-lookBack), To: day.To})
	if err != nil {
		return workload.DayLog{}, fmt.Errorf("app: track of %s: %w", w.ID, err)
	}
	i, _ := slices.BinarySearchFunc(pts, day.From, func(p patrol.TrackPoint, t time.Time) int { return p.Time.Compare(t) })
	var stops []patrol.Stop
	for _, d := range workload.Days(day.From.Add(-lookBack), day.From, a.zone) {
		stops = append(stops, patrol.Trajectory(between(pts[:i], d[0], d[1]), patrol.TrajectoryOptions{}).Stops...)
	}
	in := workload.LogInput{Worker: w, From: day.From, To: day.To, Zone: a.zone,
		Trajectory: patrol.Trajectory(pts[i:], patrol.TrajectoryOptions{Grids: geometries(own)}), BaseInfoCategories: a.targets.BaseInfoCategories}
	in.Stops = append(stops, in.Trajectory.Stops...)
	if len(own) > 0 && len(pts[i:]) > 0 {
		rep, err := coverage.Coverage(own, nil, pts[i:], coverage.CoverageOptions{From: day.From, To: day.To})
		if err != nil {
			return workload.DayLog{}, fmt.Errorf("app: coverage of %s: %w", w.ID, err)
		}
		in.Coverage = rep.Share
	}
	if in.KeyPlaces, err = a.keyPlacesOf(ctx, w.Grids); err != nil {
		return workload.DayLog{}, err
	}
	if in.Incidents, err = a.store.Incidents(ctx, data.IncidentQuery{From: day.From.Add(-lookBack), To: day.To}); err != nil {
		return workload.DayLog{}, fmt.Errorf("app: incidents: %w", err)
	}
	return workload.Log(in), nil
}

// Assessment is the assessment sheet of month (workload.Assess) for the
// full-time workers p may see: of grid only when it is given (a leader
// only its own grid; an admin any or all).
func (a *App) Assessment(ctx context.Context, p access.Principal, month string, grid partition.GridID) (workload.Sheet, error) {
	mw, err := window.Month(month, a.zone)
	if err != nil {
		return workload.Sheet{}, err
	}
	if grid == "" && p.Role != data.RoleAdmin {
		grid = p.Grid
	}
	if grid != "" || p.Role != data.RoleAdmin {
		if err := access.Check(p, access.Read, access.GridOf(grid)); err != nil {
			return workload.Sheet{}, err
		}
	}
	workers, err := a.Workers(ctx, p)
	if err != nil {
		return workload.Sheet{}, err
	}
	workers = slices.DeleteFunc(workers, func(w patrol.Worker) bool {
		return w.Role != patrol.RoleFullTime || (grid != "" && !slices.Contains(w.Grids, grid))
	})
	incs, err := a.store.Incidents(ctx, data.IncidentQuery{From: mw.From.Add(-lookBack), To: mw.To})
	if err != nil {
		return workload.Sheet{}, fmt.Errorf("app: incidents: %w", err)
	}
	days := workload.Days(mw.From, mw.To, a.zone)
	ins := make([]workload.MonthInput, 0, len(workers))
	for _, w := range workers {
		in := workload.MonthInput{Worker: w, Incidents: incs}
		own, err := a.ownGrids(ctx, w)
		if err != nil {
			return workload.Sheet{}, err
		}
		in.Grids = geometries(own)
		if in.KeyPlaces, err = a.keyPlacesOf(ctx, w.Grids); err != nil {
			return workload.Sheet{}, err
		}
		if in.Fixes, err = a.store.TrackPoints(ctx, data.TrackQuery{Worker: w.ID, From: mw.From, To: mw.To}); err != nil {
			return workload.Sheet{}, fmt.Errorf("app: track of %s: %w", w.ID, err)
		}
		ins = append(ins, in)
	}
	s := workload.Assess(month, mw.From, mw.To, a.targets, workload.BuildMonths(ins, days, a.zone, a.targets.BaseInfoCategories))
	s.Grid = string(grid)
	return s, nil
}

// Loads is the workload report of the grids of the plan in force
// (workload.Coefficients.Loads): the estimate of each grid from its
// blocks' households and streets, the key places in it and the incidents
// reported in it in w, beside the hours its workers spent inside it and
// the incidents they settled in w. Planners, leaders and admins read it;
// it names no person.
func (a *App) Loads(ctx context.Context, w window.Window) (workload.LoadReport, error) {
	plan, ok, err := a.publishedPlan(ctx)
	if err != nil {
		return workload.LoadReport{}, err
	}
	if !ok {
		return workload.LoadReport{}, fmt.Errorf("app: workload: %w: no published plan", data.ErrNotFound)
	}
	in, err := a.loadInputs(ctx, w)
	if err != nil {
		return workload.LoadReport{}, err
	}
	return in.report(ctx, a, plan.Grids)
}

// Rebalanced is a plan rebalanced by workload: the load reports before
// and after, the moves made (in order) and the blocks that ended in
// another grid (a block moved twice may be back).
type Rebalanced struct {
	Before  workload.LoadReport   `json:"before"`
	After   workload.LoadReport   `json:"after"`
	Moves   []partition.BlockMove `json:"moves"`
	Changed []partition.BlockMove `json:"changed"`
	Grids   []partition.Grid      `json:"-"`
}

// RebalanceLoads weighs every block of the plan in force by its
// estimated weekly hours (its households, streets, key places and the
// incidents reported in it in w), moves the fewest boundary blocks
// between neighbouring unlocked basic grids to bring each within balance
// (a fraction) of the mean (partition.Editor.Rebalance), and reports the
// loads before and after, measured over w. It stores nothing: the grids
// come back for a planner to review and publish.
func (a *App) RebalanceLoads(ctx context.Context, w window.Window, balance float64) (Rebalanced, error) {
	plan, ok, err := a.publishedPlan(ctx)
	if err != nil {
		return Rebalanced{}, err
	}
	if !ok {
		return Rebalanced{}, fmt.Errorf("app: workload: %w: no published plan", data.ErrNotFound)
	}
	in, err := a.loadInputs(ctx, w)
	if err != nil {
		return Rebalanced{}, err
	}
	var r Rebalanced
	if r.Before, err = in.report(ctx, a, plan.Grids); err != nil {
		return r, err
	}
	a.workload.SetWeights(in.blocks, in.holdings, workload.Attr)
	basic := 0
	for _, g := range plan.Grids {
		if g.Kind == partition.Basic {
			basic++
		}
	}
	opt, err := partition.OptionsFromParams(plan.Params)
	if err != nil {
		opt = partition.Options{}
	}
	opt.Weight, opt.Min, opt.Max, opt.Count, opt.Tolerance = workload.Attr, 0, 0, max(1, basic), balance
	ed, err := partition.NewEditor(in.blocks, plan.Grids, opt)
	if err != nil {
		return r, fmt.Errorf("app: rebalance plan %s: %w", plan.ID, err)
	}
	if r.Moves, err = ed.Rebalance(ctx, balance); err != nil {
		return r, err
	}
	r.Grids = ed.Grids()
	r.Changed = partition.Diff(plan.Grids, r.Grids).Moved
	r.After, err = in.report(ctx, a, r.Grids)
	return r, err
}

// loadInput is what the load report of any plan reads from the store
// for window w.
type loadInput struct {
	w        window.Window
	blocks   []partition.Block
	holdings []workload.Holding
	incs     []incident.Incident
	workers  []patrol.Worker
}

func (a *App) loadInputs(ctx context.Context, w window.Window) (*loadInput, error) {
	in := &loadInput{w: w}
	var err error
	if in.blocks, err = a.store.Blocks(ctx, data.BlockQuery{}); err != nil {
		return nil, fmt.Errorf("app: blocks: %w", err)
	}
	places, err := a.store.KeyPlaces(ctx, data.BBoxQuery{})
	if err != nil {
		return nil, fmt.Errorf("app: key places: %w", err)
	}
	if in.incs, err = a.store.Incidents(ctx, data.IncidentQuery{From: w.From, To: w.To}); err != nil {
		return nil, fmt.Errorf("app: incidents: %w", err)
	}
	if in.workers, err = a.store.Workers(ctx); err != nil {
		return nil, fmt.Errorf("app: workers: %w", err)
	}
	pts := make([]orb.Point, 0, len(in.incs))
	for _, inc := range in.incs {
		if !slices.Contains(inc.Flags, incident.FlagNoLocation) {
			pts = append(pts, inc.Location)
		}
	}
	in.holdings = workload.BlockHoldings(in.blocks, places, pts, w.To.Sub(w.From).Hours()/24/(365.25/12))
	return in, nil
}

// report is the load report of grids: each grid's holdings summed over
// its blocks, the hours inside it of the full-time workers registered in
// it and the incidents they settled there in the window.
func (in *loadInput) report(ctx context.Context, a *App, grids []partition.Grid) (workload.LoadReport, error) {
	byID := make(map[partition.BlockID]int, len(in.blocks))
	for i, b := range in.blocks {
		byID[b.ID] = i
	}
	rows := make([]workload.GridInput, len(grids))
	at := make(map[partition.GridID]int, len(grids))
	for gi, g := range grids {
		rows[gi] = workload.GridInput{ID: g.ID, Kind: g.Kind}
		at[g.ID] = gi
		for _, b := range g.Blocks {
			if i, ok := byID[b]; ok {
				rows[gi].Holding = rows[gi].Holding.Plus(in.holdings[i])
			}
		}
	}
	days := workload.Days(in.w.From, in.w.To, a.zone)
	for _, wk := range in.workers {
		if wk.Role != patrol.RoleFullTime || len(wk.Grids) == 0 {
			continue
		}
		pts, err := a.store.TrackPoints(ctx, data.TrackQuery{Worker: wk.ID, From: in.w.From, To: in.w.To})
		if err != nil {
			return workload.LoadReport{}, fmt.Errorf("app: track of %s: %w", wk.ID, err)
		}
		for _, g := range wk.Grids {
			gi, ok := at[g]
			if !ok {
				continue
			}
			row := &rows[gi]
			row.Workers++
			for _, d := range days {
				tr := patrol.Trajectory(between(pts, d[0], d[1]), patrol.TrajectoryOptions{Grids: []orb.MultiPolygon{grids[gi].Geometry}})
				row.TrackHours += time.Duration(tr.Inside).Hours()
			}
			for _, inc := range in.incs {
				if inc.Grid == g && slices.ContainsFunc(inc.Events, func(e incident.Event) bool {
					return e.To == incident.StatusResolved && workload.ActedBy(e, wk.ID) && in.w.Contains(e.Time)
				}) {
					row.Handled++
				}
			}
		}
	}
	return a.workload.Loads(rows, in.w.To.Sub(in.w.From).Hours()/24/7), nil
}

// ownGrids are worker w's grids of the plan in force.
func (a *App) ownGrids(ctx context.Context, w patrol.Worker) ([]partition.Grid, error) {
	plan, ok, err := a.publishedPlan(ctx)
	if err != nil || !ok {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(plan.Grids), func(g partition.Grid) bool { return !slices.Contains(w.Grids, g.ID) }), nil
}

// keyPlacesOf lists the key places of grids.
func (a *App) keyPlacesOf(ctx context.Context, grids []partition.GridID) ([]patrol.KeyPlace, error) {
	all, err := a.store.KeyPlaces(ctx, data.BBoxQuery{})
	if err != nil {
		return nil, fmt.Errorf("app: key places: %w", err)
	}
	return slices.DeleteFunc(all, func(k patrol.KeyPlace) bool { return !slices.Contains(grids, k.Grid) }), nil
}

func geometries(grids []partition.Grid) []orb.MultiPolygon {
	out := make([]orb.MultiPolygon, len(grids))
	for i, g := range grids {
		out[i] = g.Geometry
	}
	return out
}

// between are the fixes of pts (in time order) in [from, to).
func between(pts []patrol.TrackPoint, from, to time.Time) []patrol.TrackPoint {
	cmpT := func(p patrol.TrackPoint, t time.Time) int { return p.Time.Compare(t) }
	lo, _ := slices.BinarySearchFunc(pts, from, cmpT)
	hi, _ := slices.BinarySearchFunc(pts, to, cmpT)
	return pts[lo:max(lo, hi)]
}
