package incident

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"wangge/geo"
	"wangge/partition"
)

// HotspotQuery says how Hotspots bins incidents: H3 cells of Resolution
// (0–15), incidents reported in [From, To) (a zero bound is open), and,
// when Step is positive, one bin per cell per period of Step counted from
// From (which must then be set).
type HotspotQuery struct {
	Resolution int
	From       time.Time
	To         time.Time
	Step       time.Duration
}

// hotspotKey is one bin: a cell in a period (period 0 when not stepped).
type hotspotKey struct {
	cell   h3.Cell
	period int64
}

// Hotspots counts incidents per H3 cell (and per period) as a GeoJSON
// FeatureCollection: one Polygon feature per non-empty bin, the cell's
// outline counter-clockwise, with properties "cell" (H3 index in hex),
// "resolution", "count", and with a Step also "start" and "end"
// (RFC 3339). Features run by period, then by count (highest first), then
// by cell. Incidents without a location are left out.
func Hotspots(incidents []Incident, q HotspotQuery) (*geojson.FeatureCollection, error) {
	if q.Resolution < 0 || q.Resolution > 15 {
		return nil, fmt.Errorf("%w: resolution %d outside 0-15", ErrHotspotQuery, q.Resolution)
	}
	if q.Step < 0 || (q.Step > 0 && q.From.IsZero()) {
		return nil, fmt.Errorf("%w: a step of %v needs a positive step and a start time", ErrHotspotQuery, q.Step)
	}
	counts := make(map[hotspotKey]int)
	for i := range incidents {
		inc := &incidents[i]
		if !inPeriod(inc.Reported, q.From, q.To) || slices.Contains(inc.Flags, FlagNoLocation) {
			continue
		}
		k := hotspotKey{cell: geo.Cell(inc.Location, q.Resolution)}
		if q.Step > 0 {
			k.period = int64(inc.Reported.Sub(q.From) / q.Step)
		}
		counts[k]++
	}
	keys := make([]hotspotKey, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b hotspotKey) int {
		return cmp.Or(cmp.Compare(a.period, b.period), cmp.Compare(counts[b], counts[a]), cmp.Compare(a.cell, b.cell))
	})
	fc := geojson.NewFeatureCollection()
	for _, k := range keys {
		f := geojson.NewFeature(geo.CellPolygon(k.cell))
		f.Properties["cell"] = k.cell.String()
		f.Properties["resolution"] = q.Resolution
		f.Properties["count"] = counts[k]
		if q.Step > 0 {
			start := q.From.Add(time.Duration(k.period) * q.Step)
			f.Properties["start"] = start.Format(time.RFC3339)
			f.Properties["end"] = start.Add(q.Step).Format(time.RFC3339)
		}
		fc.Append(f)
	}
	return fc, nil
}

// inPeriod reports whether t lies in [from, to), a zero bound being open.
func inPeriod(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}

// GridLoad is the incident workload of one grid.
type GridLoad struct {
	Grid       partition.GridID `json:"grid"`
	Incidents  int              `json:"incidents"`
	Households int              `json:"households"`
	Per1000    float64          `json:"per_1000_households"`
}

// GridLoads counts the incidents reported in [from, to) (zero bounds are
// open) per grid at report time and per 1,000 households of the grid:
// the workload signal planners weigh when redrawing grids. Every grid of
// households is listed, with or without incidents; incidents in grids it
// does not list (and those outside every grid, under an empty id) are
// listed with zero households and a zero rate, so that none is lost. Rows
// run from the highest rate down, then by count and grid id.
func GridLoads(incidents []Incident, households map[partition.GridID]int, from, to time.Time) []GridLoad {
	counts := make(map[partition.GridID]int, len(households))
	for g := range households {
		counts[g] = 0
	}
	for i := range incidents {
		if inPeriod(incidents[i].Reported, from, to) {
			counts[incidents[i].Grid]++
		}
	}
	out := make([]GridLoad, 0, len(counts))
	for g, n := range counts {
		l := GridLoad{Grid: g, Incidents: n, Households: households[g]}
		if l.Households > 0 {
			l.Per1000 = 1000 * float64(n) / float64(l.Households)
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b GridLoad) int {
		return cmp.Or(cmp.Compare(b.Per1000, a.Per1000), cmp.Compare(b.Incidents, a.Incidents), cmp.Compare(a.Grid, b.Grid))
	})
	return out
}
