package workload

import (
	"cmp"
	"math"
	"slices"

	"wangge/partition"
)

// Flags of an overloaded grid.
const (
	// FlagAboveMean: a basic grid needs more than the mean of the basic
	// grids × (1 + OverloadTolerance).
	FlagAboveMean = "above_mean"
	// FlagOverCapacity: a grid needs more than HoursPerWeek × its workers
	// (one when it has none).
	FlagOverCapacity = "over_capacity"
)

// GridInput is one grid, what it holds and the work measured in it over
// the report's weeks.
type GridInput struct {
	ID      partition.GridID
	Kind    partition.GridKind
	Holding Holding
	Workers int
	// TrackHours is the time the grid's workers spent inside it (from
	// their tracks); Handled the incidents of the grid they settled.
	TrackHours float64
	Handled    int
}

// GridLoad is one row of the load report: the estimate beside the
// measure, per week.
type GridLoad struct {
	Grid       partition.GridID   `json:"grid"`
	Kind       partition.GridKind `json:"kind"`
	Workers    int                `json:"workers"`
	Households int                `json:"households"`
	KeyPlaces  int                `json:"key_places"`
	Incidents  float64            `json:"incidents_per_month"`
	StreetM    float64            `json:"street_m"`
	Estimate   Need               `json:"estimate"`
	// Measured is the time inside the grid from tracks plus the settled
	// incidents × IncidentHours (the terminal records no time per
	// incident), per week.
	Measured     float64  `json:"measured_h"`
	MeasuredPath float64  `json:"measured_tracks_h"`
	PerWorker    float64  `json:"estimate_per_worker_h"`
	DeviationPct float64  `json:"deviation_pct"` // from the mean of the basic grids; 0 for dedicated grids
	Flags        []string `json:"flags"`
}

// LoadReport is the workload of every grid of a plan.
type LoadReport struct {
	Weeks           float64      `json:"weeks"` // of the measured period
	Coefficients    Coefficients `json:"coefficients"`
	Mean            float64      `json:"mean_basic_h"`
	MaxDeviationPct float64      `json:"max_deviation_pct"` // largest |deviation| of a basic grid
	Basic           int          `json:"basic"`
	Within          int          `json:"basic_within_tolerance"` // basic grids within ±OverloadTolerance of the mean
	Overloaded      int          `json:"overloaded"`
	Grids           []GridLoad   `json:"grids"`
}

// Loads estimates each grid's weekly hours (Estimate), puts the hours
// measured over weeks weeks beside it, and flags overloaded grids. Rows
// come in grid id order.
func (c Coefficients) Loads(grids []GridInput, weeks float64) LoadReport {
	r := LoadReport{Weeks: weeks, Coefficients: c, Grids: make([]GridLoad, 0, len(grids))}
	var sum float64
	basic := 0
	for _, g := range grids {
		l := GridLoad{Grid: g.ID, Kind: g.Kind, Workers: g.Workers, Households: g.Holding.Households,
			KeyPlaces: len(g.Holding.KeyPlaces), Incidents: g.Holding.IncidentsPerMonth, StreetM: g.Holding.StreetM,
			Estimate: c.Estimate(g.Holding), Flags: []string{}}
		if weeks > 0 {
			l.MeasuredPath = g.TrackHours / weeks
			l.Measured = l.MeasuredPath + float64(g.Handled)*c.IncidentHours/weeks
		}
		l.PerWorker = l.Estimate.Total / float64(max(1, g.Workers))
		if l.PerWorker > c.HoursPerWeek {
			l.Flags = append(l.Flags, FlagOverCapacity)
		}
		if g.Kind == partition.Basic {
			sum += l.Estimate.Total
			basic++
		}
		r.Grids = append(r.Grids, l)
	}
	r.Basic = basic
	if basic > 0 {
		r.Mean = sum / float64(basic)
	}
	for i := range r.Grids {
		l := &r.Grids[i]
		if l.Kind == partition.Basic && r.Mean > 0 {
			l.DeviationPct = 100 * (l.Estimate.Total - r.Mean) / r.Mean
			r.MaxDeviationPct = math.Max(r.MaxDeviationPct, math.Abs(l.DeviationPct))
			if l.Estimate.Total > r.Mean*(1+c.OverloadTolerance) {
				l.Flags = append([]string{FlagAboveMean}, l.Flags...)
			}
			if math.Abs(l.DeviationPct) <= 100*c.OverloadTolerance {
				r.Within++
			}
		}
		if len(l.Flags) > 0 {
			r.Overloaded++
		}
	}
	slices.SortFunc(r.Grids, func(a, b GridLoad) int { return cmp.Compare(a.Grid, b.Grid) })
	return r
}
