package workload

import (
	"runtime"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
)

// MonthInput is what a worker's month is computed from.
type MonthInput struct {
	Worker patrol.Worker
	// Fixes are the worker's fixes of the month in time order; Grids
	// the geometries of its grids.
	Fixes []patrol.TrackPoint
	Grids []orb.MultiPolygon
	// KeyPlaces of the worker's grids; Incidents reported in the month or
	// the month before (events of the month on older incidents are
	// missed).
	KeyPlaces []patrol.KeyPlace
	Incidents []incident.Incident
}

// Days cuts [from, to) into calendar days of zone: each day runs from its
// midnight to the next (23 or 25 hours when the clocks change).
func Days(from, to time.Time, zone *time.Location) [][2]time.Time {
	var out [][2]time.Time
	y, m, d := from.In(zone).Date()
	for start := time.Date(y, m, d, 0, 0, 0, 0, zone); start.Before(to); {
		next := start.AddDate(0, 0, 1)
		out = append(out, [2]time.Time{start, next})
		start = next
	}
	return out
}

// BuildMonths runs BuildMonth for every worker, as many at once as
// there are CPUs, and returns their months in the order of ins.
func BuildMonths(ins []MonthInput, days [][2]time.Time, zone *time.Location, baseInfo []string) []WorkerMonth {
	out := make([]WorkerMonth, len(ins))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(len(ins), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				out[i] = BuildMonth(ins[i], days, zone, baseInfo)
			}
		})
	}
	for i := range ins {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// BuildMonth analyses a worker's month day by day (patrol.Trajectory
// with its grids, without the display line, then Log, without the H3
// coverage, which only the single day's log computes) into what Assess
// reads. Each day's Log gets that day's stops only, and the key places
// with the last visits of the month's earlier stops carried in their
// LastVisited (patrol.Visits keeps the latest), so the month costs no
// more than its days.
func BuildMonth(in MonthInput, days [][2]time.Time, zone *time.Location, baseInfo []string) WorkerMonth {
	wm := WorkerMonth{Worker: in.Worker, KeyPlaces: in.KeyPlaces, Incidents: in.Incidents}
	visited := make([]patrol.KeyPlace, len(in.KeyPlaces)) // LastVisited: by the stops of the days before
	for i, k := range in.KeyPlaces {
		visited[i] = patrol.KeyPlace{Location: k.Location}
	}
	lo := 0
	for _, day := range days {
		for lo < len(in.Fixes) && in.Fixes[lo].Time.Before(day[0]) {
			lo++
		}
		hi := lo
		for hi < len(in.Fixes) && in.Fixes[hi].Time.Before(day[1]) {
			hi++
		}
		tr := patrol.Trajectory(in.Fixes[lo:hi], patrol.TrajectoryOptions{Grids: in.Grids, NoLine: true})
		wm.Stops = append(wm.Stops, tr.Stops...)
		places := make([]patrol.KeyPlace, len(in.KeyPlaces))
		for i, k := range in.KeyPlaces {
			if !k.LastVisited.Before(day[1]) {
				k.LastVisited = time.Time{} // as Log does
			}
			if visited[i].LastVisited.After(k.LastVisited) {
				k.LastVisited = visited[i].LastVisited
			}
			places[i] = k
		}
		wm.Days = append(wm.Days, Log(LogInput{Worker: in.Worker, From: day[0], To: day[1], Zone: zone, Trajectory: tr,
			KeyPlaces: places, Stops: tr.Stops, Incidents: in.Incidents, BaseInfoCategories: baseInfo}))
		visited = patrol.Visits(visited, tr.Stops, patrol.DefaultVisitRadius)
		lo = hi
	}
	return wm
}
