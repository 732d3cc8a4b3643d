package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/osm"
	"wangge/geo"
	"wangge/partition"
)

// demoSeed seeds every random choice of the demo's synthetic data, so that
// one build of wangge makes the same workers, walks, incidents and key
// places every time (only their day moves with the calendar).
const demoSeed = 1

// demoStreetReach is how far from a grid a street may run and still be
// patrolled by the grid's worker: the streets bounding a grid are the
// edges of its blocks, so their centre lines lie on the grid's outline,
// where a point-in-polygon test is a coin toss.
const demoStreetReach = 10.0

// demoFixInterval is the time between two fixes of a simulated patrol:
// 10 s, within the 5–30 s that patrol apps report at, and half the fixes
// of the simulator's 5 s default, which keeps the demo's start short.
const demoFixInterval = 10 * time.Second

// demoStopProb is the chance that a simulated worker visits a building
// at a vertex of a way. The simulator takes every vertex for a junction,
// and Monaco's mapped ways have one every few metres: at the simulator's
// default of 0.15 a worker spends 90% of the day in some 30 stops; at
// 0.003 it makes about 15 stops of 3 to 15 minutes and walks three
// quarters of the day.
const demoStopProb = 0.003

// demoLeaderID is the synthetic grid leader, who supervises every grid.
const demoLeaderID patrol.WorkerID = patrol.SyntheticPrefix + "leader"

// demoWorkers makes one synthetic full-time worker per basic grid of plan
// (sim-w01, sim-w02, … in plan order) and a synthetic leader of all its
// grids. Device ids are random (sim-dev- and 16 hex digits), never
// sequential: a device id is half of a phone's credential, and ids that
// follow each other were found by guessing.
func demoWorkers(plan partition.Plan) (workers []patrol.Worker, leader patrol.Worker) {
	leader = patrol.Worker{ID: demoLeaderID, Name: "synthetic grid leader", Role: patrol.RoleLeader,
		DeviceID: demoDeviceID()}
	for _, g := range plan.Grids {
		leader.Grids = append(leader.Grids, g.ID)
		if g.Kind != partition.Basic {
			continue
		}
		n := len(workers) + 1
		workers = append(workers, patrol.Worker{
			ID:       patrol.WorkerID(fmt.Sprintf("%sw%02d", patrol.SyntheticPrefix, n)),
			Name:     fmt.Sprintf("synthetic worker %02d", n),
			Role:     patrol.RoleFullTime,
			DeviceID: demoDeviceID(),
			Grids:    []partition.GridID{g.ID},
		})
	}
	return workers, leader
}

// demoDeviceID is a new random synthetic device id.
func demoDeviceID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return patrol.SyntheticPrefix + "dev-" + hex.EncodeToString(b[:])
}

// simDay is one worker's simulated day.
type simDay struct {
	fixes []patrol.TrackPoint
	stops []patrol.Stop
	err   error
}

// patrolDemo simulates one patrol day for each worker inside its grid,
// along the streets in or bounding it, with stops at the grid's
// buildings (the workers in parallel, worker i with seed
// 1000·demoSeed+i+1 so that each walks its own way), stores the fixes
// under the worker's id and counts them in ws.fixes, and returns each
// worker's stops as patrol.Trajectory finds them. A grid with no street
// to walk gets no patrol; its id is listed in idle.
func patrolDemo(ctx context.Context, s data.Store, ws *Workspace) (stops [][]patrol.Stop, idle []partition.GridID, err error) {
	grids := make(map[partition.GridID]partition.Grid, len(ws.plan.Grids))
	gridOf := make(map[partition.BlockID]partition.GridID)
	for _, g := range ws.plan.Grids {
		grids[g.ID] = g
		for _, b := range g.Blocks {
			gridOf[b] = g.ID
		}
	}
	buildings := make(map[partition.GridID][]orb.Point)
	for _, b := range ws.osm.Buildings {
		if g, ok := gridOf[b.Block]; ok {
			c, _ := planar.CentroidArea(b.Geometry)
			buildings[g] = append(buildings[g], c)
		}
	}
	days := make([]simDay, len(ws.workers))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, w := range ws.workers {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			g := grids[w.Grids[0]]
			days[i] = simulatePatrol(w.ID, uint64(demoSeed*1000+i+1), ws.day, gridStreets(ws.osm.Roads, g), buildings[g.ID])
		})
	}
	wg.Wait()
	stops = make([][]patrol.Stop, len(ws.workers))
	var fixes []patrol.TrackPoint
	for i, d := range days {
		switch {
		case errors.Is(d.err, patrol.ErrNoRoads):
			idle = append(idle, ws.workers[i].Grids[0])
			continue
		case d.err != nil:
			return nil, nil, fmt.Errorf("demo patrol of %s: %w", ws.workers[i].ID, d.err)
		}
		fixes = append(fixes, d.fixes...)
		stops[i] = d.stops
	}
	if _, err := s.PutTrackPoints(ctx, fixes); err != nil {
		return nil, nil, fmt.Errorf("demo patrols: %w", err)
	}
	ws.fixes = len(fixes)
	return stops, idle, nil
}

// simulatePatrol walks one synthetic worker along streets for a day and
// finds the day's stops.
func simulatePatrol(id patrol.WorkerID, seed uint64, day time.Time, streets []orb.LineString, buildings []orb.Point) simDay {
	pts, err := patrol.Simulate(patrol.SimOptions{Seed: seed, Day: day, Roads: streets, Buildings: buildings, Interval: demoFixInterval, StopProb: demoStopProb})
	if err != nil {
		return simDay{err: err}
	}
	for i := range pts {
		pts[i].Worker = id
	}
	return simDay{fixes: pts, stops: patrol.Trajectory(pts, patrol.TrajectoryOptions{}).Stops}
}

// gridStreets returns the runs of road segments whose midpoint lies in g
// or within demoStreetReach metres of its outline.
func gridStreets(roads []osm.Road, g partition.Grid) []orb.LineString {
	box := g.Geometry.Bound()
	proj := geo.NewProjection(box.Center())
	outline := project.MultiPolygon(g.Geometry.Clone(), proj.Forward)
	// The box widens by twice the reach converted to degrees along the
	// parallel, where a degree is shortest: at least 2·reach every way.
	box = box.Pad(2 * demoStreetReach / (111320 * math.Cos(box.Center().Lat()*math.Pi/180)))
	near := func(a, b orb.Point) bool {
		mid := orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
		if !box.Contains(mid) {
			return false
		}
		return planar.MultiPolygonContains(g.Geometry, mid) || planar.DistanceFrom(outline, proj.Forward(mid)) <= demoStreetReach
	}
	var out []orb.LineString
	for _, r := range roads {
		if !box.Intersects(r.Line.Bound()) {
			continue
		}
		var run orb.LineString
		for i := 1; i < len(r.Line); i++ {
			if !near(r.Line[i-1], r.Line[i]) {
				if len(run) > 1 {
					out = append(out, run)
				}
				run = nil
				continue
			}
			if len(run) == 0 {
				run = orb.LineString{r.Line[i-1]}
			}
			run = append(run, r.Line[i])
		}
		if len(run) > 1 {
			out = append(out, run)
		}
	}
	return out
}
