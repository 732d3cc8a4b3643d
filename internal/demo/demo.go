package demo

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/osm"
	"wangge/data/sample"
	"wangge/internal/access"
	"wangge/internal/app"
	"wangge/internal/window"
	"wangge/partition"
	"wangge/server"
)

// PlanID names the plan `wangge demo` draws.
const PlanID partition.PlanID = "monaco-demo"

// demoDedicated are the block kinds that get dedicated grids in the demo.
var demoDedicated = []string{"school", "kindergarten", "university", "hospital", "clinic", "police", "marketplace"}

// Options say how to build the demo workspace.
type Options struct {
	Min, Max float64   // households of a basic grid
	Day      time.Time // the simulated patrol day (see Day)
}

// demoHighways are the highway classes that bound the demo's blocks: the
// import's defaults (osm.DefaultCuttingHighways), which since they take
// public service roads, footways and steps give Monaco sensible blocks
// without extra classes (265 blocks, against 79 for the road classes
// alone, one of those holding 27% of the households).
var demoHighways = osm.DefaultCuttingHighways

// Workspace is what Build made and stored.
type Workspace struct {
	osm       *osm.Result
	drawn     *partition.Result
	plan      partition.Plan // published
	day       time.Time      // the simulated patrol day, midnight in its zone
	workers   []patrol.Worker
	leader    patrol.Worker
	fixes     int
	stops     int
	idle      []partition.GridID // basic grids without a street to patrol
	incidents []incident.Incident
	places    []patrol.KeyPlace
}

// Leader is the synthetic leader of every grid.
func (ws *Workspace) Leader() patrol.Worker { return ws.leader }

// Focus is the worker the printed examples show: the first with a track
// whose grid has a key place never visited, so that the leader token's
// overdue list is not empty (sim-w01 when there is none).
func (ws *Workspace) Focus() patrol.Worker {
	for _, w := range ws.workers {
		if slices.Contains(ws.idle, w.Grids[0]) {
			continue
		}
		for _, k := range ws.places {
			if k.Grid == w.Grids[0] && k.LastVisited.IsZero() {
				return w
			}
		}
	}
	return ws.workers[0]
}

// Day is the simulated patrol day: the day before now in the zone the
// API reads dates in by default (window.DefaultZone), so that the
// trajectory, coverage (a week back by default) and overdue routes all
// see it.
func Day(now time.Time) time.Time {
	zone, err := window.LoadZone(window.DefaultZone)
	if err != nil {
		zone = time.UTC
	}
	y, m, d := now.In(zone).AddDate(0, 0, -1).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, zone)
}

// Build derives blocks from the bundled extract, draws dedicated grids
// for institutions and basic grids by households, publishes the plan, and
// adds synthetic data: a worker per basic grid and a leader, a simulated
// patrol day of each worker, incidents reported at the patrols' stops and
// key places visited (or not) by them. The blocks go to the partition
// engine through the same GeoJSON a planner's `wangge partition --blocks`
// reads; the plan, the workers, the incidents and the key places go to
// the store through the use cases the API calls (package app), as the
// operator, so the demo obeys the API's rules.
func Build(ctx context.Context, s data.Store, o Options, progress io.Writer) (*Workspace, error) {
	ws := &Workspace{day: o.Day}
	var clock time.Time
	a, err := app.New(app.Options{Store: s, Now: func() time.Time { return clock }})
	if err != nil {
		return nil, err
	}
	ws.osm, err = osm.Import(ctx, bytes.NewReader(sample.MonacoPBF), osm.Options{
		File: sample.MonacoName, Highways: demoHighways, Progress: progress, Size: int64(len(sample.MonacoPBF)),
	})
	if err != nil {
		return nil, err
	}
	if ws.drawn, err = drawDemo(ctx, ws.osm, o); err != nil {
		return nil, err
	}
	if _, err := osm.Save(ctx, s, ws.osm, osm.SaveOptions{}); err != nil {
		return nil, err
	}
	clock = time.Now()
	draft := demoPlan(ws.drawn, o, clock)
	if err := a.PutPlan(ctx, access.Operator, draft); err != nil {
		return nil, err
	}
	pub, err := a.PublishPlan(ctx, access.Operator, draft.ID, false)
	if err != nil {
		return nil, err
	}
	ws.plan = pub.Plan
	ws.workers, ws.leader = demoWorkers(ws.plan)
	if len(ws.workers) == 0 {
		return nil, fmt.Errorf("demo: no basic grid drawn with households in [%g, %g]", o.Min, o.Max)
	}
	if err := a.RegisterWorkers(ctx, access.Operator, append(slices.Clone(ws.workers), ws.leader)); err != nil {
		return nil, err
	}
	stops, idle, err := patrolDemo(ctx, s, ws)
	if err != nil {
		return nil, err
	}
	ws.idle = idle
	for _, st := range stops {
		ws.stops += len(st)
	}
	if ws.incidents, err = demoIncidents(ctx, a, &clock, ws, stops); err != nil {
		return nil, err
	}
	ws.places = demoKeyPlaces(ws, stops, incident.NewGridIndex(ws.plan.Grids))
	if err := a.PutKeyPlaces(ctx, access.Operator, ws.places); err != nil {
		return nil, err
	}
	return ws, nil
}

// drawDemo draws the demo's grids from the imported blocks.
func drawDemo(ctx context.Context, res *osm.Result, o Options) (*partition.Result, error) {
	raw, err := json.Marshal(res.BlocksGeoJSON())
	if err != nil {
		return nil, err
	}
	blocks, err := partition.ReadBlocks(bytes.NewReader(raw), sample.MonacoName, "id")
	if err != nil {
		return nil, err
	}
	drawn, err := partition.Draw(ctx, blocks, partition.Options{
		Weight: "households", Min: o.Min, Max: o.Max,
		DedicatedField: "kind", DedicatedValues: demoDedicated, Seed: demoSeed,
	})
	if err != nil {
		return nil, fmt.Errorf("demo grids: %w", err)
	}
	return drawn, nil
}

// demoPlan is the drawn grids as the draft of plan PlanID, made at now.
func demoPlan(drawn *partition.Result, o Options, now time.Time) partition.Plan {
	grids := slices.Clone(drawn.Grids)
	for i := range grids {
		grids[i].Plan = PlanID
	}
	return partition.Plan{
		ID: PlanID, Name: "Monaco demo plan (" + sample.Attribution + ")", Status: partition.PlanDraft,
		Params: map[string]string{
			"weight": "households", "min": fmt.Sprint(o.Min), "max": fmt.Sprint(o.Max),
			"dedicated": "kind=" + strings.Join(demoDedicated, ","), "seed": fmt.Sprint(demoSeed),
			"highways": strings.Join(demoHighways, ","),
			"source":   sample.MonacoName, "attribution": sample.Attribution,
		},
		Created: now.UTC().Truncate(time.Second),
		Grids:   grids,
	}
}

// Print says what the demo built: the real territory first, then the
// synthetic patrol data, labelled as such.
func Print(out io.Writer, ws *Workspace, now time.Time) {
	res, r := ws.osm, ws.drawn.Report
	fmt.Fprintf(out, "Monaco, from the bundled OpenStreetMap extract (%s):\n", sample.Attribution)
	byKind := res.BlocksByKind()
	kinds := slices.SortedFunc(maps.Keys(byKind), func(a, b string) int {
		return cmp.Or(cmp.Compare(byKind[b], byKind[a]), cmp.Compare(a, b))
	})
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", byKind[k], k))
	}
	fmt.Fprintf(out, "  %d blocks (%s)\n", len(res.Blocks), strings.Join(parts, ", "))
	fmt.Fprintf(out, "  %d buildings, %d households (estimated from floor area), %d roads\n",
		len(res.Buildings), res.Dwellings, len(res.Roads))
	fmt.Fprintf(out, "  plan %s, published: %d grids (%d basic by households in [%g, %g], %d in bounds; %d dedicated)\n",
		ws.plan.ID, r.Grids, r.Basic, r.Min, r.Max, r.BasicInBounds, r.Dedicated)
	for _, warn := range res.Warnings {
		fmt.Fprintln(out, "  warning:", warn)
	}

	fmt.Fprintf(out, "Synthetic patrol data (simulated, not real people; every id starts %q), day %s %s, seed %d:\n",
		patrol.SyntheticPrefix, ws.day.Format(time.DateOnly), ws.day.Location(), demoSeed)
	first, last := ws.workers[0].ID, ws.workers[len(ws.workers)-1].ID
	fmt.Fprintf(out, "  %d workers: %s…%s full-time, one per basic grid; %s leads all %d grids\n",
		len(ws.workers)+1, first, last, ws.leader.ID, len(ws.plan.Grids))
	fmt.Fprintf(out, "  %d GPS fixes of %g-hour walks along each grid's streets, %d stops\n",
		ws.fixes, patrol.DefaultSimHours, ws.stops)
	if len(ws.idle) > 0 {
		fmt.Fprintf(out, "  no street to patrol in grids %v: their workers have no track\n", ws.idle)
	}
	fmt.Fprintf(out, "  %d incidents reported at patrol stops: %s\n", len(ws.incidents), incidentCounts(ws.incidents))
	overdue := 0
	for _, g := range patrol.Overdue(ws.places, now) {
		overdue += len(g.Places)
	}
	fmt.Fprintf(out, "  %d key places (%s; a visit every %d days, no names): %d overdue\n",
		len(ws.places), strings.Join(demoPlaceCategories, ", "), int(demoVisitInterval.Hours()/24), overdue)
}

// incidentCounts is "n status" for each status present, the most
// frequent first, and how many went up a level at some point.
func incidentCounts(incidents []incident.Incident) string {
	n := make(map[incident.Status]int)
	up := 0
	for _, inc := range incidents {
		n[inc.Status]++
		if slices.ContainsFunc(inc.Events, func(e incident.Event) bool { return e.To == incident.StatusEscalated }) {
			up++
		}
	}
	var parts []string
	for _, st := range slices.SortedFunc(maps.Keys(n), func(a, b incident.Status) int {
		return cmp.Or(cmp.Compare(n[b], n[a]), cmp.Compare(a, b))
	}) {
		parts = append(parts, fmt.Sprintf("%d %s", n[st], st))
	}
	return fmt.Sprintf("%s (%d escalated at some point)", strings.Join(parts, ", "), up)
}

// Tokens are the secrets of the tokens the demo creates, one per kind of
// user the map page serves.
type Tokens struct {
	Viewer, Leader, Planner string
}

// PrintServing says where the demo is served, gives the tokens and shows
// a request for each family of routes.
func PrintServing(out io.Writer, url, db string, tok Tokens, ws *Workspace) {
	w := ws.Focus()
	grid := w.Grids[0]
	api := url + server.APIPrefix
	fmt.Fprintf(out, "store: %s\n", db)
	fmt.Fprintf(out, "serving %s\n", url)
	fmt.Fprintf(out, "map page: %s/ (sign in with one of the tokens)\n", url)
	fmt.Fprintln(out, "Tokens (shown once):")
	fmt.Fprintf(out, "  export WANGGE_VIEWER=%s  # viewer: plans, blocks, incidents, statistics\n", tok.Viewer)
	fmt.Fprintf(out, "  export WANGGE_LEADER=%s  # leader of grid %s (%s's): trajectories, coverage, key places\n",
		tok.Leader, grid, w.ID)
	fmt.Fprintf(out, "  export WANGGE_PLANNER=%s  # planner: draw, edit and publish plans\n", tok.Planner)
	fmt.Fprintln(out, "Try:")
	fmt.Fprintf(out, "  curl -H \"Authorization: Bearer $WANGGE_VIEWER\" %s/plans\n", api)
	fmt.Fprintf(out, "  curl -H \"Authorization: Bearer $WANGGE_VIEWER\" %s/stats/incidents\n", api)
	fmt.Fprintf(out, "  curl -H \"Authorization: Bearer $WANGGE_LEADER\" '%s/workers/%s/trajectory?date=%s'\n",
		api, w.ID, ws.day.Format(time.DateOnly))
	fmt.Fprintf(out, "  curl -H \"Authorization: Bearer $WANGGE_LEADER\" %s/grids/%s/coverage\n", api, grid)
	fmt.Fprintf(out, "  curl -H \"Authorization: Bearer $WANGGE_LEADER\" %s/visits/overdue\n", api)
	fmt.Fprintf(out, "  curl %s%s/requests.json\n", url, server.Open311Prefix)
	fmt.Fprintf(out, "Map data %s. Press Ctrl-C to stop.\n", sample.Attribution)
}
