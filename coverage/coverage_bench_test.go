package coverage

import (
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/geo"
	"wangge/partition"
)

// district is a synthetic district for the benchmark: side×side grids of
// 500 m around tiananmen (one worker each), streets every 100 m.
func district(side int) ([]partition.Grid, []orb.LineString, []orb.Point) {
	const gridM = 500.0
	proj := geo.NewProjection(tiananmen)
	h := float64(side) * gridM / 2
	roads, buildings := patrol.StreetLattice(tiananmen, side*5, 100)
	var grids []partition.Grid
	for i := 0; i < side; i++ {
		for j := 0; j < side; j++ {
			x0, y0 := -h+float64(i)*gridM, -h+float64(j)*gridM
			ring := orb.Ring{
				proj.Inverse(orb.Point{x0, y0}), proj.Inverse(orb.Point{x0 + gridM, y0}),
				proj.Inverse(orb.Point{x0 + gridM, y0 + gridM}), proj.Inverse(orb.Point{x0, y0 + gridM}),
				proj.Inverse(orb.Point{x0, y0}),
			}
			grids = append(grids, partition.Grid{ID: partition.GridID(fmt.Sprintf("g%02d%02d", i, j)),
				Geometry: orb.MultiPolygon{{ring}}})
		}
	}
	return grids, roads, buildings
}

// patrolMonth simulates each grid's worker on `variants` distinct days
// and repeats them over `days` days (times shifted a day at a time), in
// one slice grouped by worker-day in time order.
func patrolMonth(b *testing.B, grids []partition.Grid, roads []orb.LineString, buildings []orb.Point, days, variants int) []patrol.TrackPoint {
	b.Helper()
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	sims := make([][][]patrol.TrackPoint, len(grids))
	for g := range grids {
		for v := 0; v < variants; v++ {
			pts, err := patrol.Simulate(patrol.SimOptions{Seed: uint64(1000*g + v), Day: start, Roads: roads,
				Area: grids[g].Geometry, Buildings: buildings})
			if err != nil {
				b.Fatal(err)
			}
			sims[g] = append(sims[g], pts)
		}
	}
	n := 0
	for g := range sims {
		for _, s := range sims[g] {
			n += len(s)
		}
	}
	out := make([]patrol.TrackPoint, 0, n*days/variants+len(grids)*variants*days)
	for d := 0; d < days; d++ {
		for g := range grids {
			for _, p := range sims[g][d%variants] {
				p.Time = p.Time.AddDate(0, 0, d)
				out = append(out, p)
			}
		}
	}
	return out
}

// BenchmarkCoverage30Days100Workers is the coverage report of issue 5:
// 100 workers (one per 500 m grid of a 5×5 km district) patrolling 8 hours
// a day with a fix every 5 s, for 30 days: 17.3 million fixes.
func BenchmarkCoverage30Days100Workers(b *testing.B) {
	grids, roads, buildings := district(10)
	pts := patrolMonth(b, grids, roads, buildings, 30, 3)
	opts := CoverageOptions{From: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC)}
	runtime.GC() // the simulation's garbage is not the report's
	cpu0 := cpuSeconds(b)
	b.ResetTimer()
	var r *CoverageReport
	for i := 0; i < b.N; i++ {
		var err error
		if r, err = Coverage(grids, nil, pts, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(sec, "s/report")
	// CPU time tells the work apart from the waiting on a shared machine.
	b.ReportMetric((cpuSeconds(b)-cpu0)/float64(b.N), "cpu-s/report")
	b.ReportMetric(float64(len(pts))/sec, "fixes/s")
	b.ReportMetric(100*r.Share, "%covered")
}

// cpuSeconds is the user and system CPU time of the process so far.
func cpuSeconds(b *testing.B) float64 {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
