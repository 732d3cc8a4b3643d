package bench

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/coverage/workload"
	"wangge/partition"
)

// assessmentCase is the monthly assessment of 100 workers: the district
// of the coverage case (one worker per 500 m grid, 8-hour patrols, a fix
// every 5 s, three simulated days repeated over 30 days; a quick run: 3
// days, one repeated), ten key places per grid at its buildings, and the
// sheet computed from the fixes (each worker's days analysed, the five
// items scored) and written as XLSX.
func assessmentCase(quick bool) benchCase {
	name, days, variants := monthSize("assessment", quick)
	return benchCase{
		name: name, unit: "fixes",
		prepare: func(context.Context, benchEnv) (benchRun, error) {
			d, pts, err := monthOfPatrols(days, variants)
			if err != nil {
				return benchRun{}, err
			}
			inputs := monthInputs(d, pts)
			zone := benchDay.Location()
			span := workload.Days(benchDay, benchDay.AddDate(0, 0, days), zone)
			t := workload.DefaultTargets()
			var sheet workload.Sheet
			return benchRun{
				items: len(pts),
				run: func(context.Context) error {
					months := workload.BuildMonths(inputs, span, zone, t.BaseInfoCategories)
					sheet = workload.Assess(benchDay.Format("2006-01"), span[0][0], span[len(span)-1][1], t, months)
					return sheet.WriteXLSX(io.Discard, workload.Zh)
				},
				note: func() string {
					var sum float64
					for _, w := range sheet.Workers {
						sum += w.Score
					}
					return fmt.Sprintf("%d workers, %d days, mean score %.1f", len(sheet.Workers), days, sum/float64(max(1, len(sheet.Workers))))
				},
			}, nil
		},
	}
}

// monthInputs sorts the district's fixes by grid, then time, in place,
// and gives each grid's worker its fixes, its grid and ten key places at
// the buildings of its grid. The worker of grid g's simulated days is
// named sim-SEED-01 with SEED = 1000·g + variant (SynthDistrict.Patrol).
func monthInputs(d patrol.SynthDistrict, pts []patrol.TrackPoint) []workload.MonthInput {
	gridOf := func(w patrol.WorkerID) int {
		s := strings.TrimPrefix(string(w), patrol.SyntheticPrefix)
		seed, _ := strconv.Atoi(s[:strings.IndexByte(s, '-')])
		return seed / 1000
	}
	slices.SortStableFunc(pts, func(a, b patrol.TrackPoint) int {
		return cmp.Or(cmp.Compare(gridOf(a.Worker), gridOf(b.Worker)), a.Time.Compare(b.Time))
	})
	out := make([]workload.MonthInput, len(d.Grids))
	for g, grid := range d.Grids {
		w := patrol.Worker{ID: patrol.WorkerID(fmt.Sprintf("w%03d", g)), Role: patrol.RoleFullTime, Grids: []partition.GridID{grid.ID}}
		out[g] = workload.MonthInput{Worker: w, Grids: []orb.MultiPolygon{grid.Geometry}}
		box := grid.Geometry.Bound()
		for _, b := range d.Buildings {
			if len(out[g].KeyPlaces) < 10 && box.Contains(b) {
				out[g].KeyPlaces = append(out[g].KeyPlaces, patrol.KeyPlace{ID: patrol.KeyPlaceID(fmt.Sprintf("k%03d-%d", g, len(out[g].KeyPlaces))),
					Category: "elderly-living-alone", Location: b, VisitInterval: 7 * 24 * time.Hour, Grid: grid.ID})
			}
		}
	}
	for lo := 0; lo < len(pts); {
		g := gridOf(pts[lo].Worker)
		hi := lo
		for hi < len(pts) && gridOf(pts[hi].Worker) == g {
			pts[hi].Worker = out[g].Worker.ID
			hi++
		}
		out[g].Fixes = pts[lo:hi]
		lo = hi
	}
	return out
}
