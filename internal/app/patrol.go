package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"wangge/coverage"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/access"
	"wangge/internal/window"
	"wangge/partition"
)

// trackMargin widens a grid's box when reading fixes for its coverage, so
// that the segments of a walk that enters or leaves the grid are
// interpolated from the fixes just outside it: coverage.DefaultMaxInterpGap
// (2 min) at up to 4 m/s.
const trackMargin = 500.0

// GridCoverage is the coverage of one grid of the plan in force.
type GridCoverage struct {
	Plan   partition.PlanID
	Grid   partition.Grid
	Report *coverage.CoverageReport
}

// GridCoverage computes which H3 cells of grid id (of the plan in force)
// the tracks of every worker came within the buffer of in [opts.From,
// opts.To) (coverage.Coverage), with the covered share of the grid and of
// each of its blocks, the gaps and the visit heat. p must be allowed to
// read the grid (a leader only its own).
func (a *App) GridCoverage(ctx context.Context, p access.Principal, id partition.GridID, opts coverage.CoverageOptions) (GridCoverage, error) {
	if err := access.Check(p, access.Read, access.GridOf(id)); err != nil {
		return GridCoverage{}, err
	}
	plan, ok, err := a.publishedPlan(ctx)
	if err != nil {
		return GridCoverage{}, err
	}
	i := slices.IndexFunc(plan.Grids, func(g partition.Grid) bool { return g.ID == id })
	if !ok || i < 0 {
		return GridCoverage{}, fmt.Errorf("app: grid %q is in no published plan: %w", id, data.ErrNotFound)
	}
	grid := plan.Grids[i]
	rep, err := a.coverageOf(ctx, []partition.Grid{grid}, opts)
	if err != nil {
		return GridCoverage{}, err
	}
	return GridCoverage{Plan: plan.ID, Grid: grid, Report: rep}, nil
}

// CoverageIn computes, in one report, the coverage of the grids of the
// plan in force whose bounds meet box and that p may read (a leader its
// own, planners and admins all); nil when there are none.
func (a *App) CoverageIn(ctx context.Context, p access.Principal, box orb.Bound, opts coverage.CoverageOptions) (*coverage.CoverageReport, error) {
	plan, ok, err := a.publishedPlan(ctx)
	if err != nil || !ok {
		return nil, err
	}
	var grids []partition.Grid
	for _, g := range plan.Grids {
		if g.Geometry.Bound().Intersects(box) && access.Check(p, access.Read, access.GridOf(g.ID)) == nil {
			grids = append(grids, g)
		}
	}
	if len(grids) == 0 {
		return nil, nil
	}
	return a.coverageOf(ctx, grids, opts)
}

// coverageOf computes the coverage of grids from the fixes of opts's
// window near them.
func (a *App) coverageOf(ctx context.Context, grids []partition.Grid, opts coverage.CoverageOptions) (*coverage.CoverageReport, error) {
	box := grids[0].Geometry.Bound()
	in := map[partition.BlockID]bool{}
	var names []string
	for _, g := range grids {
		box = box.Union(g.Geometry.Bound())
		for _, b := range g.Blocks {
			in[b] = true
		}
		names = append(names, string(g.ID))
	}
	which := "grid " + strings.Join(names, ", ")
	blocks, err := a.store.Blocks(ctx, data.BlockQuery{BBoxQuery: data.BBoxQuery{BBox: &box}})
	if err != nil {
		return nil, fmt.Errorf("app: blocks of %s: %w", which, err)
	}
	blocks = slices.DeleteFunc(blocks, func(b partition.Block) bool { return !in[b.ID] })
	wide := orbgeo.BoundPad(box, trackMargin+opts.Buffer)
	pts, err := a.store.TrackPoints(ctx, data.TrackQuery{From: opts.From, To: opts.To, BBox: &wide})
	if err != nil {
		return nil, fmt.Errorf("app: fixes near %s: %w", which, err)
	}
	rep, err := coverage.Coverage(grids, blocks, pts, opts)
	if err != nil {
		return nil, &FieldError{Field: which, Reason: "coverage cannot be computed for this grid: " + err.Error()}
	}
	return rep, nil
}

// Day is a worker's day: the trajectory report and the grids of the plan
// in force it was measured against.
type Day struct {
	Plan   partition.PlanID
	Grids  []partition.GridID
	Report patrol.TrajectoryReport
}

// WorkerDay analyses the fixes of worker id in day, the window of one day
// (window.Day: its midnight to the next, 23 or 25 hours when the clocks
// change) (patrol.Trajectory: trips, stops, distance, signal gaps,
// time inside and outside the worker's grids of the plan in force). p
// must be allowed to read the worker (itself, or a worker of a leader's
// grid).
func (a *App) WorkerDay(ctx context.Context, p access.Principal, id patrol.WorkerID, day window.Window, opts patrol.TrajectoryOptions) (Day, error) {
	w, err := a.WorkerFor(ctx, p, id)
	if err != nil {
		return Day{}, err
	}
	pts, err := a.store.TrackPoints(ctx, data.TrackQuery{Worker: w.ID, From: day.From, To: day.To})
	if err != nil {
		return Day{}, fmt.Errorf("app: track of %s: %w", w.ID, err)
	}
	plan, ok, err := a.publishedPlan(ctx)
	if err != nil {
		return Day{}, err
	}
	d := Day{Grids: []partition.GridID{}}
	if ok {
		d.Plan = plan.ID
		for _, g := range plan.Grids {
			if slices.Contains(w.Grids, g.ID) {
				opts.Grids = append(opts.Grids, g.Geometry)
				d.Grids = append(d.Grids, g.ID)
			}
		}
	}
	d.Report = patrol.Trajectory(pts, opts)
	d.Report.Worker = w.ID
	return d, nil
}

// publishedPlan returns the plan in force with its grids; ok is false when
// no plan is published.
func (a *App) publishedPlan(ctx context.Context) (partition.Plan, bool, error) {
	pi, err := a.InForce(ctx)
	if err != nil || pi == nil {
		return partition.Plan{}, false, err
	}
	return pi.plan, true, nil
}
