package incident_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/coverage/incident/incidenttest"
	"wangge/coverage/patrol"
	"wangge/partition"
)

// benchGrids is a 10 × 10 block of 1 km grids with 10 communities (one
// per row), their workers and a point inside each.
func benchGrids() (*incident.GridIndex, []incident.Actor, []orb.Point) {
	var grids []partition.Grid
	var workers []incident.Actor
	var points []orb.Point
	for r := range 10 {
		for c := range 10 {
			id := partition.GridID(fmt.Sprintf("G%02d%02d", r, c))
			x, y := 117.50+0.01*float64(c), 34.80+0.01*float64(r)
			grids = append(grids, partition.Grid{ID: id, Parent: fmt.Sprintf("C%02d", r), Geometry: incidenttest.Square(x, y, 0.01)})
			workers = append(workers, incident.Actor{Role: incident.ActorWorker, Worker: patrol.WorkerID("W" + id[1:]), Grids: []partition.GridID{id}})
			points = append(points, orb.Point{x + 0.003, y + 0.007})
		}
	}
	return incident.NewGridIndex(grids), workers, points
}

// BenchmarkCreateTransition creates 100,000 incidents (each located in its
// grid) and takes each through accepted, handling, resolved and closed.
func BenchmarkCreateTransition(b *testing.B) {
	const n = 100_000
	ix, workers, points := benchGrids()
	ids := make([]incident.ID, n)
	for i := range ids {
		ids[i] = incident.ID(fmt.Sprintf("I%06d", i))
	}
	out := make([]incident.Incident, n)
	path := []incident.Status{incident.StatusAccepted, incident.StatusHandling, incident.StatusResolved}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for i := range n {
			g := i % len(workers)
			inc, err := incident.Create(incident.Incident{ID: ids[i], Category: "litter", Location: points[g]}, workers[g], incidenttest.T0, "", ix)
			if err != nil {
				b.Fatal(err)
			}
			for k, to := range path {
				if err := incident.Transition(&inc, to, workers[g], incidenttest.T0.Add(time.Duration(k+1)*time.Minute), ""); err != nil {
					b.Fatal(err)
				}
			}
			if err := incident.Transition(&inc, incident.StatusClosed, workers[g], incidenttest.T0.Add(time.Hour), "", incident.WithFeedback(true, 5)); err != nil {
				b.Fatal(err)
			}
			out[i] = inc
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "incidents/s")
}

// BenchmarkStats reports on 1,000,000 incidents by grid and by community.
// They are the 2,000 of the study scenario spread over the 100 grids and
// 100 workers of benchGrids and over a year of report times (events are
// shared between copies, which Stats only reads).
func BenchmarkStats(b *testing.B) {
	const n = 1_000_000
	ix, workers, _ := benchGrids()
	base := studyScenario(b)
	incidents := make([]incident.Incident, n)
	for i := range incidents {
		inc := base[i%len(base)]
		g := i % len(workers)
		inc.Grid, inc.Reporter = workers[g].Grids[0], workers[g].Worker
		inc.Reported = incidenttest.T0.Add(time.Duration(i) * 30 * time.Second)
		incidents[i] = inc
	}
	limits := map[string]time.Duration{"litter": 5 * time.Minute}
	for _, by := range []incident.GroupBy{incident.GroupGrid, incident.GroupCommunity} {
		b.Run(string(by), func(b *testing.B) {
			q := incident.StatsQuery{By: by, Parents: ix.Parents(), Limits: limits}
			for range b.N {
				rows, err := incident.Stats(incidents, q, incidenttest.T0)
				if err != nil || len(rows) == 0 {
					b.Fatal(rows, err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/report")
		})
	}
}
