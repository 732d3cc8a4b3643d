package patrol

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/paulmach/orb"

	"wangge/geo"
	"wangge/partition"
)

// DefaultVisitRadius is 50 m, the default stop radius: a stop's centre is
// the mean of fixes with 5–15 m of noise, taken at the door or inside a
// building of some 60 m, so a household's location and the stop of a
// visit to it are rarely closer than a few tens of metres.
const DefaultVisitRadius = 50.0

// Visits records visits to key places: a place is visited by a stop whose
// centre lies within radius metres of it (geodesic distance), at the
// stop's End, the last moment the worker was seen there. It returns a copy
// of places, in the same order, each LastVisited moved forward to its
// latest visit (never back). A radius ≤ 0 means DefaultVisitRadius.
func Visits(places []KeyPlace, stops []Stop, radius float64) []KeyPlace {
	if radius <= 0 {
		radius = DefaultVisitRadius
	}
	byLat := slices.Clone(stops)
	slices.SortFunc(byLat, func(a, b Stop) int { return cmp.Compare(a.Center[1], b.Center[1]) })
	// A degree of latitude is at least 110,574 m; the margin keeps every
	// stop within radius in the window.
	dLat := radius / 110000
	out := slices.Clone(places)
	for i := range out {
		p := &out[i]
		lat := p.Location[1]
		j := sort.Search(len(byLat), func(k int) bool { return byLat[k].Center[1] >= lat-dLat })
		for ; j < len(byLat) && byLat[j].Center[1] <= lat+dLat; j++ {
			s := byLat[j]
			if s.End.After(p.LastVisited) && geo.Distance(p.Location, s.Center) <= radius {
				p.LastVisited = s.End
			}
		}
	}
	return out
}

// OverduePlace is a key place past its visit interval.
type OverduePlace struct {
	ID          KeyPlaceID       `json:"id"`
	Category    string           `json:"category"`
	Location    orb.Point        `json:"location"`
	Grid        partition.GridID `json:"grid"`
	Interval    Seconds          `json:"interval_s"`
	LastVisited time.Time        `json:"last_visited,omitzero"` // zero: never visited
	Added       time.Time        `json:"added,omitzero"`        // when the place was registered; zero: not known
	Due         time.Time        `json:"due,omitzero"`          // LastVisited + Interval
	OverdueBy   Seconds          `json:"overdue_s"`             // now − Due; never visited: now − Added (0 when not known)
}

// OverdueGrid lists the overdue places of one grid.
type OverdueGrid struct {
	Grid   partition.GridID `json:"grid"`
	Places []OverduePlace   `json:"places"`
}

// Overdue lists, per grid, the places past their visit interval at now: a
// place is overdue when it was never visited (by now − Added, when that is
// known), or when LastVisited + VisitInterval is before now (by now −
// that). A place without an interval (≤ 0) is
// never overdue. Grids come in id order; within a grid the places never
// visited come first, then the most overdue, ties by id.
func Overdue(places []KeyPlace, now time.Time) []OverdueGrid {
	byGrid := map[partition.GridID][]OverduePlace{}
	for _, p := range places {
		if p.VisitInterval <= 0 {
			continue
		}
		o := OverduePlace{ID: p.ID, Category: p.Category, Location: p.Location, Grid: p.Grid,
			Interval: Seconds(p.VisitInterval), LastVisited: p.LastVisited, Added: p.Added}
		if p.LastVisited.IsZero() && !p.Added.IsZero() && p.Added.Before(now) {
			o.OverdueBy = Seconds(now.Sub(p.Added)) // due since it was added
		}
		if !p.LastVisited.IsZero() {
			o.Due = p.LastVisited.Add(p.VisitInterval)
			if !o.Due.Before(now) {
				continue
			}
			o.OverdueBy = Seconds(now.Sub(o.Due))
		}
		byGrid[p.Grid] = append(byGrid[p.Grid], o)
	}
	out := make([]OverdueGrid, 0, len(byGrid))
	for g, ps := range byGrid {
		slices.SortFunc(ps, func(a, b OverduePlace) int {
			return cmp.Or(
				-cmp.Compare(boolInt(a.LastVisited.IsZero()), boolInt(b.LastVisited.IsZero())),
				-cmp.Compare(a.OverdueBy, b.OverdueBy),
				cmp.Compare(a.ID, b.ID))
		})
		out = append(out, OverdueGrid{Grid: g, Places: ps})
	}
	slices.SortFunc(out, func(a, b OverdueGrid) int { return cmp.Compare(a.Grid, b.Grid) })
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
