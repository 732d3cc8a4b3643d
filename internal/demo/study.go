package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/osm"
	"wangge/geo"
	"wangge/internal/access"
	"wangge/internal/app"
	"wangge/partition"
)

// The study's Y community (DOMAIN.md, sections 2 and 4.2 of the study):
// 3,695 resident households, 8 full-time workers each with one basic
// grid, 5 dedicated grids (its 4 schools and one managed estate). The
// scenario lays them on a synthetic square of streets, clearly not the
// real place.
const (
	StudyPlanID     partition.PlanID = "y-community"
	studyHouseholds                  = 3695
	studyBasic                       = 8
	studySide                        = 10    // blocks a side
	studyBlockM                      = 100.0 // m between streets
	studyHours                       = 6.0   // of patrol a working day
	studyInterval                    = 30 * time.Second
)

// studyCentre is Zaozhuang, Shandong, where the study's community lies.
var studyCentre = orb.Point{117.32, 34.81}

// studyKeyPlaces are the key places of the scenario by category (section
// 4.3: elderly living alone, left-behind children, hardship households,
// the disabled; and hazards), how many of each.
var studyKeyPlaces = []struct {
	category string
	count    int
	every    time.Duration
}{
	{"elderly-living-alone", 40, 7 * 24 * time.Hour},
	{"left-behind-child", 15, 14 * 24 * time.Hour},
	{"disabled", 20, 14 * 24 * time.Hour},
	{"hardship-household", 12, 30 * 24 * time.Hour},
	{"hazard", 10, 7 * 24 * time.Hour},
}

// studyCategories are the incident categories of the scenario; info is
// a base-information update made on the terminal.
var studyCategories = []string{"environment", "safety", "dispute", "info"}

// StudyWorkspace is what Study made and stored.
type StudyWorkspace struct {
	Plan      partition.Plan
	Workers   []patrol.Worker
	Leader    patrol.Worker
	KeyPlaces []patrol.KeyPlace
	Incidents []incident.Incident
	Fixes     int
	From, To  time.Time // the simulated month
}

// Study builds the study's community in s: 100 street blocks of 100 m,
// households drawn at random to 3,695 in all, 4 school blocks and a
// managed estate as dedicated grids, 8 basic grids of equal households
// (partition.Draw), published; a synthetic full-time worker per basic
// grid (sim-y01…) and a leader; 97 key places by category at the
// blocks' doors; and the month from `from` (midnight of its first day):
// every working day (Monday to Friday) a 6-hour patrol of each worker
// along its grid's streets (a fix every 30 s), and incidents found at
// the patrol's stops, reported, handled, escalated or left open. Random
// choices follow seed 1, so the scenario is the same every time.
func Study(ctx context.Context, s data.Store, from time.Time) (*StudyWorkspace, error) {
	ws := &StudyWorkspace{From: from, To: from.AddDate(0, 1, 0)}
	rng := rand.New(rand.NewPCG(demoSeed, 15))
	roads, doors := patrol.StreetLattice(studyCentre, studySide, studyBlockM)
	blocks := studyBlocks(rng)
	res, err := partition.Draw(ctx, blocks, partition.Options{Weight: "households", Count: studyBasic, Tolerance: 0.1,
		DedicatedField: "kind", DedicatedValues: []string{"school", "estate"}, Seed: demoSeed})
	if err != nil {
		return nil, err
	}
	a, err := app.New(app.Options{Store: s, Now: func() time.Time { return from }})
	if err != nil {
		return nil, err
	}
	if err := s.PutBlocks(ctx, blocks); err != nil {
		return nil, err
	}
	ws.Plan = res.Plan(StudyPlanID, "Y community (synthetic)", partition.Options{Weight: "households", Count: studyBasic, Tolerance: 0.1}, from)
	if err := a.PutPlan(ctx, access.Operator, ws.Plan); err != nil {
		return nil, err
	}
	if _, err := a.PublishPlan(ctx, access.Operator, StudyPlanID, false); err != nil {
		return nil, err
	}
	ws.Workers, ws.Leader = studyWorkers(ws.Plan)
	if err := a.RegisterWorkers(ctx, access.Operator, append(slices.Clone(ws.Workers), ws.Leader)); err != nil {
		return nil, err
	}
	ix := incident.NewGridIndex(ws.Plan.Grids)
	for _, c := range studyKeyPlaces {
		for range c.count {
			d := doors[rng.IntN(len(doors))]
			p := orb.Point{d[0] + (rng.Float64()-0.5)*0.0002, d[1] + (rng.Float64()-0.5)*0.0002}
			g, _ := ix.Locate(p)
			ws.KeyPlaces = append(ws.KeyPlaces, patrol.KeyPlace{ID: patrol.KeyPlaceID(fmt.Sprintf("%skp-%03d", patrol.SyntheticPrefix, len(ws.KeyPlaces)+1)),
				Category: c.category, Location: p, VisitInterval: c.every, Grid: g})
		}
	}
	if err := a.PutKeyPlaces(ctx, access.Operator, ws.KeyPlaces); err != nil {
		return nil, err
	}
	lines := make([]osm.Road, len(roads))
	for i, r := range roads {
		lines[i] = osm.Road{Line: r}
	}
	for i, w := range ws.Workers {
		g := ws.Plan.Grids[slices.IndexFunc(ws.Plan.Grids, func(g partition.Grid) bool { return g.ID == w.Grids[0] })]
		streets := gridStreets(lines, g)
		inGrid := slices.DeleteFunc(slices.Clone(doors), func(p orb.Point) bool { return !planar.MultiPolygonContains(g.Geometry, p) })
		for day := from; day.Before(ws.To); day = day.AddDate(0, 0, 1) {
			if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			pts, err := patrol.Simulate(patrol.SimOptions{Seed: uint64(1000*(i+1) + day.Day()), Day: day, Hours: studyHours,
				Roads: streets, Buildings: inGrid, Interval: studyInterval})
			if err != nil {
				return nil, fmt.Errorf("study: patrol of %s on %s: %w", w.ID, day.Format(time.DateOnly), err)
			}
			for k := range pts {
				pts[k].Worker = w.ID
			}
			if _, err := s.PutTrackPoints(ctx, pts); err != nil {
				return nil, err
			}
			ws.Fixes += len(pts)
			ws.Incidents = append(ws.Incidents, studyIncidents(rng, w, patrol.Trajectory(pts, patrol.TrajectoryOptions{}).Stops, ix, len(ws.Incidents))...)
		}
	}
	if err := s.PutIncidents(ctx, ws.Incidents); err != nil {
		return nil, err
	}
	return ws, nil
}

// studyBlocks are the 100 blocks: households at random (20 to 70 a
// block, scaled to studyHouseholds), blocks 12, 17, 72 and 77 schools and
// 44 the managed estate (both with households of their own: a school has
// none, the estate its own staff).
func studyBlocks(rng *rand.Rand) []partition.Block {
	proj := geo.NewProjection(studyCentre)
	h := studySide * studyBlockM / 2
	var blocks []partition.Block
	raw := make([]float64, studySide*studySide)
	var sum float64
	for k := range raw {
		raw[k] = 20 + 50*rng.Float64()
		sum += raw[k]
	}
	left := studyHouseholds
	for i := range studySide {
		for j := range studySide {
			k := i*studySide + j
			x0, y0 := -h+float64(i)*studyBlockM, -h+float64(j)*studyBlockM
			ring := orb.Ring{proj.Inverse(orb.Point{x0, y0}), proj.Inverse(orb.Point{x0 + studyBlockM, y0}),
				proj.Inverse(orb.Point{x0 + studyBlockM, y0 + studyBlockM}), proj.Inverse(orb.Point{x0, y0 + studyBlockM}), proj.Inverse(orb.Point{x0, y0})}
			kind := "residential"
			switch k {
			case 12, 17, 72, 77:
				kind = "school"
			case 44:
				kind = "estate"
			}
			hh := int(raw[k] / sum * studyHouseholds)
			if k == len(raw)-1 {
				hh = left
			}
			left -= hh
			if kind == "school" {
				hh = 0
			}
			blocks = append(blocks, partition.Block{ID: partition.BlockID(fmt.Sprintf("y%03d", k)), Kind: kind, Households: hh,
				Attrs: map[string]string{"kind": kind, "households": strconv.Itoa(hh)}, Geometry: orb.MultiPolygon{{ring}}})
		}
	}
	return blocks
}

// studyWorkers makes a full-time worker per basic grid, sim-y01…, and a
// leader of every grid.
func studyWorkers(plan partition.Plan) (workers []patrol.Worker, leader patrol.Worker) {
	leader = patrol.Worker{ID: patrol.SyntheticPrefix + "y-leader", Name: "synthetic grid leader", Role: patrol.RoleLeader}
	for _, g := range plan.Grids {
		leader.Grids = append(leader.Grids, g.ID)
		if g.Kind == partition.Basic {
			n := len(workers) + 1
			workers = append(workers, patrol.Worker{ID: patrol.WorkerID(fmt.Sprintf("%sy%02d", patrol.SyntheticPrefix, n)),
				Name: fmt.Sprintf("synthetic worker %02d", n), Role: patrol.RoleFullTime, Grids: []partition.GridID{g.ID}})
		}
	}
	return workers, leader
}

// studyIncidents are the incidents worker w finds at some stops of a
// day in its own grid: one stop in twelve. Each is found (discovered) and reported at once
// or up to 3 hours later, or reported as found; base-information updates
// (info) are reported as found; most are then accepted, handled and
// resolved within the day and closed with feedback, some escalated, some
// left open.
func studyIncidents(rng *rand.Rand, w patrol.Worker, stops []patrol.Stop, ix *incident.GridIndex, n int) []incident.Incident {
	actor := incident.Actor{Role: incident.ActorWorker, Worker: w.ID, Grids: w.Grids}
	var out []incident.Incident
	for _, st := range stops {
		if rng.IntN(12) != 0 {
			continue
		}
		cat := studyCategories[rng.IntN(len(studyCategories))]
		status := incident.StatusReported
		if cat != "info" && rng.IntN(2) == 0 {
			status = incident.StatusDiscovered
		}
		at := st.End
		inc, err := incident.Create(incident.Incident{ID: incident.ID(fmt.Sprintf("%sinc-%05d", patrol.SyntheticPrefix, n+len(out)+1)),
			Category: cat, Status: status, Location: st.Center}, actor, at, "", ix)
		if err != nil || !slices.Contains(w.Grids, inc.Grid) {
			continue
		}
		step := func(to incident.Status, after time.Duration, opts ...incident.TransitionOption) bool {
			at = at.Add(after)
			return incident.Transition(&inc, to, actor, at, "", opts...) == nil
		}
		if status == incident.StatusDiscovered && !step(incident.StatusReported, time.Duration(rng.IntN(180))*time.Minute) {
			continue
		}
		switch r := rng.IntN(10); {
		case cat == "info" || r == 0: // left as reported
		case r == 1:
			step(incident.StatusEscalated, 30*time.Minute)
		default:
			_ = step(incident.StatusAccepted, 10*time.Minute) && step(incident.StatusHandling, 20*time.Minute) &&
				step(incident.StatusResolved, time.Duration(30+rng.IntN(240))*time.Minute) &&
				step(incident.StatusClosed, time.Hour, incident.WithFeedback(true, 4+rng.IntN(2)))
		}
		out = append(out, inc)
	}
	return out
}

// StudyMonth is the month Study simulates for `wangge demo --study`: the
// month before now's, from its first midnight in window.DefaultZone.
func StudyMonth(now time.Time) time.Time {
	first := Day(now)
	return time.Date(first.Year(), first.Month()-1, 1, 0, 0, 0, 0, first.Location())
}

// PrintStudy says what Study built and the requests to try with a
// leader's token of the first worker's grid.
func PrintStudy(w io.Writer, ws *StudyWorkspace, url, db, leader string) {
	month := ws.From.Format("2006-01")
	fmt.Fprintf(w, "The study's Y community (synthetic streets; every id starts %q), %s:\n", patrol.SyntheticPrefix, month)
	fmt.Fprintf(w, "  plan %s, published: %d grids (%d basic with a full-time worker each, %d dedicated)\n",
		ws.Plan.ID, len(ws.Plan.Grids), len(ws.Workers), len(ws.Plan.Grids)-len(ws.Workers))
	fmt.Fprintf(w, "  %d key places by category, %d GPS fixes of working-day patrols, %d incidents\n", len(ws.KeyPlaces), ws.Fixes, len(ws.Incidents))
	fmt.Fprintf(w, "store: %s\nserving %s\n", db, url)
	fmt.Fprintf(w, "Token (shown once):\n  export WANGGE_LEADER=%s  # leader of grid %s (%s's)\n", leader, ws.Workers[0].Grids[0], ws.Workers[0].ID)
	fmt.Fprintln(w, "Try:")
	fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $WANGGE_LEADER\" '%s/api/v1/reports/assessment?month=%s'\n", url, month)
	fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $WANGGE_LEADER\" -o sheet.xlsx '%s/api/v1/reports/assessment?month=%s&format=xlsx'\n", url, month)
	fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $WANGGE_LEADER\" '%s/api/v1/reports/load?from=%s&to=%s'\n", url,
		ws.From.Format(time.DateOnly), ws.To.Format(time.DateOnly))
	fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $WANGGE_LEADER\" '%s/api/v1/workers/%s/log?date=%s'\n", url, ws.Workers[0].ID,
		firstWorkday(ws.From).Format(time.DateOnly))
	fmt.Fprintf(w, "  wangge report assessment --db %s --month %s; wangge report load --db %s --from %s --to %s --rebalance 0.1\n",
		db, month, db, ws.From.Format(time.DateOnly), ws.To.Format(time.DateOnly))
}

func firstWorkday(d time.Time) time.Time {
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}
