package demo

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb/planar"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/internal/app"
	"wangge/partition"
	"wangge/server"
)

// demoIncidentCount is how many synthetic incidents the demo reports: a
// few dozen, enough for the lists, statistics and Open311 to show each
// state of the loop.
const demoIncidentCount = 40

// demoStep is one transition of a synthetic incident, after the previous
// one (or the report).
type demoStep struct {
	to        incident.Status
	after     time.Duration
	satisfied bool
	score     int // closing only
}

// The steps synthetic incidents are made of.
var (
	demoAccept   = demoStep{to: incident.StatusAccepted, after: 15 * time.Minute}
	demoHandle   = demoStep{to: incident.StatusHandling, after: 30 * time.Minute}
	demoResolve  = demoStep{to: incident.StatusResolved, after: 2 * time.Hour}
	demoEscalate = demoStep{to: incident.StatusEscalated, after: 30 * time.Minute}
	demoTakeUp   = demoStep{to: incident.StatusAccepted, after: time.Hour} // by the community
)

// demoClose closes with the resident's feedback.
func demoClose(satisfied bool, score int) demoStep {
	return demoStep{to: incident.StatusClosed, after: 3 * time.Hour, satisfied: satisfied, score: score}
}

// demoScripts are the courses synthetic incidents take, in turn: half
// close with the resident's feedback (one in ten dissatisfied), some stay
// at each step of the loop, and one in ten goes up to the community,
// where the leader settles one of them. The longest course takes 5 h 45
// min, 6 h 54 min with the 20% spread of demoIncidents, so that an
// incident reported by the patrols' end at 16:00 has its last event
// before midnight, and the demo, dated the day before, never shows an
// event in the future.
var demoScripts = [][]demoStep{
	{demoAccept, demoHandle, demoResolve, demoClose(true, 5)},
	{},
	{demoAccept},
	{demoAccept, demoHandle, demoResolve, demoClose(true, 4)},
	{demoAccept, demoHandle},
	{demoAccept, demoHandle, demoResolve},
	{demoEscalate},
	{demoAccept, demoHandle, demoResolve, demoClose(false, 2)},
	{demoAccept, demoHandle, demoResolve, demoClose(true, 5)},
	{demoAccept, demoHandle, demoResolve, demoClose(true, 5)},
	{demoAccept, demoHandle, demoResolve, demoClose(true, 4)},
	{},
	{demoAccept},
	{demoAccept, demoHandle, demoResolve, demoClose(true, 5)},
	{demoAccept, demoHandle},
	{demoAccept, demoHandle, demoResolve},
	{demoEscalate, demoTakeUp, demoHandle, demoResolve, {to: incident.StatusClosed, after: time.Hour, satisfied: true, score: 4}},
	{demoAccept, demoHandle, demoResolve, demoClose(true, 5)},
	{demoAccept, demoHandle, demoResolve, demoClose(true, 3)},
	{demoAccept, demoHandle, demoResolve, demoClose(true, 5)},
}

// demoIncidents files demoIncidentCount synthetic incidents at the
// workers' stops, taking each worker's first stop, then each one's second,
// and so on, through the same use cases as the API (app.FileIncident
// locates each in the plan in force, app.MoveIncident takes it through
// the state machine and stores each move as a compare-and-set), with the
// App's clock set to the simulated times; each follows a script of
// demoScripts. Categories are the API's default ones in turn, and every
// description says the incident is synthetic.
func demoIncidents(ctx context.Context, a *app.App, clock *time.Time, ws *Workspace, stops [][]patrol.Stop) ([]incident.Incident, error) {
	categories := server.DefaultCategories()
	var out []incident.Incident
	for round, more := 0, true; more && len(out) < demoIncidentCount; round++ {
		more = false
		for i, w := range ws.workers {
			if round >= len(stops[i]) || len(out) == demoIncidentCount {
				continue
			}
			more = true
			stop := stops[i][round]
			n := len(out)
			c := categories[n%len(categories)]
			draft := incident.Incident{
				ID:          incident.ID(fmt.Sprintf("%sinc-%03d", patrol.SyntheticPrefix, n+1)),
				Category:    c.Code,
				Description: "Synthetic demo incident (" + c.Description + "), reported at a simulated patrol stop",
				Location:    stop.Center,
			}
			reporter := incident.Actor{Role: incident.ActorWorker, Worker: w.ID, Grids: w.Grids}
			*clock = stop.Start.Add(time.Duration(stop.Duration) / 2)
			f, err := a.FileIncident(ctx, draft, reporter, "synthetic: found on patrol")
			if err != nil {
				return nil, fmt.Errorf("demo incident %s: %w", draft.ID, err)
			}
			inc := f.Incident
			spread := time.Duration(4 + n%3) // each step takes 80%, 100% or 120% of its time
			for _, st := range demoScripts[n%len(demoScripts)] {
				var opts []incident.TransitionOption
				if st.to == incident.StatusClosed {
					opts = append(opts, incident.WithFeedback(st.satisfied, st.score))
				}
				*clock = clock.Add(st.after * spread / 5)
				if inc, err = a.MoveIncident(ctx, inc.ID, st.to, demoHolder(inc, reporter, ws.leader), "synthetic", opts...); err != nil {
					return nil, fmt.Errorf("demo incident %s: %w", inc.ID, err)
				}
			}
			out = append(out, inc)
		}
	}
	return out, nil
}

// demoHolder is who acts on inc next: the reporting worker while the
// incident is at grid level in the worker's own grid, the leader at grid
// or community level, and the command centre's dispatcher at the level
// holding it otherwise (an incident outside every grid starts at street
// level).
func demoHolder(inc incident.Incident, reporter incident.Actor, leader patrol.Worker) incident.Actor {
	switch {
	case inc.Level == incident.LevelGrid && slices.Contains(reporter.Grids, inc.Grid):
		return reporter
	case inc.Grid != "" && (inc.Level == incident.LevelGrid || inc.Level == incident.LevelCommunity):
		return incident.Actor{Role: incident.ActorLeader, Worker: leader.ID, Grids: leader.Grids}
	}
	return incident.Actor{Role: incident.ActorDispatcher, Level: inc.Level}
}

// demoPlacesPerGrid is how many key places the demo puts in each basic
// grid, and demoPlaceCategories their categories in turn. Key places
// carry a category and a location, never a name.
const demoPlacesPerGrid = 3

var demoPlaceCategories = []string{"elderly-living-alone", "disabled", "hardship-household"}

// demoVisitInterval is how often each synthetic key place is to be visited.
const demoVisitInterval = 7 * 24 * time.Hour

// demoKeyPlaces marks demoPlacesPerGrid homes (buildings with households,
// spread over the grid's buildings in id order) of each basic grid as
// synthetic key places, located in the grids by locator, and records the
// visits the simulated stops made to them.
func demoKeyPlaces(ws *Workspace, stops [][]patrol.Stop, locator incident.GridLocator) []patrol.KeyPlace {
	basic := make(map[partition.BlockID]partition.GridID)
	for _, g := range ws.plan.Grids {
		if g.Kind == partition.Basic {
			for _, b := range g.Blocks {
				basic[b] = g.ID
			}
		}
	}
	homes := make(map[partition.GridID][]partition.Building)
	for _, b := range ws.osm.Buildings {
		if g, ok := basic[b.Block]; ok && b.Households > 0 {
			homes[g] = append(homes[g], b)
		}
	}
	var places []patrol.KeyPlace
	for _, g := range ws.plan.Grids {
		hs := homes[g.ID]
		slices.SortFunc(hs, func(a, b partition.Building) int { return cmp.Compare(a.ID, b.ID) })
		for k := range min(demoPlacesPerGrid, len(hs)) {
			c, _ := planar.CentroidArea(hs[(2*k+1)*len(hs)/(2*demoPlacesPerGrid)].Geometry)
			grid, ok := locator.Locate(c)
			if !ok {
				continue
			}
			places = append(places, patrol.KeyPlace{
				ID:            patrol.KeyPlaceID(fmt.Sprintf("%skp-%03d", patrol.SyntheticPrefix, len(places)+1)),
				Category:      demoPlaceCategories[len(places)%len(demoPlaceCategories)],
				Location:      c,
				VisitInterval: demoVisitInterval,
				Grid:          grid,
			})
		}
	}
	return patrol.Visits(places, slices.Concat(stops...), 0)
}
