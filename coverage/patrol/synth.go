package patrol

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"wangge/geo"
	"wangge/partition"
)

// Sizes of a SynthDistrict.
const (
	SynthGridSide   = 500.0 // m, the side of one square grid
	SynthStreetStep = 100.0 // m between parallel streets
)

// SynthDistrict is a synthetic district for benchmarks and load tests,
// clearly not a real place: Side×Side square grids of SynthGridSide
// metres centred on Centre, one worker each, crossed by a lattice of
// streets every SynthStreetStep metres with a building in the middle of
// every street block. The grid in column i and row j is "g" + two digits
// of i + two digits of j.
type SynthDistrict struct {
	Centre    orb.Point
	Side      int
	Grids     []partition.Grid
	Roads     []orb.LineString
	Buildings []orb.Point
}

// NewSynthDistrict lays out the district of side×side grids around centre.
func NewSynthDistrict(centre orb.Point, side int) SynthDistrict {
	d := SynthDistrict{Centre: centre, Side: side}
	proj := geo.NewProjection(centre)
	half := float64(side) * SynthGridSide / 2
	at := func(x, y float64) orb.Point { return proj.Inverse(orb.Point{x - half, y - half}) }
	for i := range side {
		for j := range side {
			x, y := float64(i)*SynthGridSide, float64(j)*SynthGridSide
			ring := orb.Ring{at(x, y), at(x+SynthGridSide, y), at(x+SynthGridSide, y+SynthGridSide), at(x, y+SynthGridSide), at(x, y)}
			d.Grids = append(d.Grids, partition.Grid{
				ID:       partition.GridID(fmt.Sprintf("g%02d%02d", i, j)),
				Geometry: orb.MultiPolygon{{ring}},
			})
		}
	}
	streets := side * int(SynthGridSide/SynthStreetStep)
	for k := 0; k <= streets; k++ {
		along := float64(k) * SynthStreetStep
		var eastWest, northSouth orb.LineString
		for m := 0; m <= streets; m++ {
			across := float64(m) * SynthStreetStep
			eastWest = append(eastWest, at(across, along))
			northSouth = append(northSouth, at(along, across))
		}
		d.Roads = append(d.Roads, eastWest, northSouth)
	}
	for i := range streets {
		for j := range streets {
			d.Buildings = append(d.Buildings, at((float64(i)+0.5)*SynthStreetStep, (float64(j)+0.5)*SynthStreetStep))
		}
	}
	return d
}

// Patrol simulates each grid's worker (Simulate with the default options,
// seed 1000·grid + variant) on `variants` distinct days and repeats them
// over `days` days from the date of start, day d replaying variant
// d mod variants with its times moved d days on. The fixes come in one
// slice grouped by day, then grid, each worker's in time order: a prefix
// of whole days is the patrol of fewer days.
func (d SynthDistrict) Patrol(start time.Time, days, variants int) ([]TrackPoint, error) {
	if days < 1 || variants < 1 {
		return nil, fmt.Errorf("%w: synthetic patrol of %d days from %d variants", ErrOption, days, variants)
	}
	variants = min(variants, days)
	sims := make([][][]TrackPoint, len(d.Grids))
	total := 0
	for g, grid := range d.Grids {
		for v := range variants {
			pts, err := Simulate(SimOptions{Seed: uint64(1000*g + v), Day: start, Roads: d.Roads,
				Area: grid.Geometry, Buildings: d.Buildings})
			if err != nil {
				return nil, fmt.Errorf("synthetic grid %s: %w", grid.ID, err)
			}
			sims[g] = append(sims[g], pts)
		}
	}
	for day := range days {
		for g := range sims {
			total += len(sims[g][day%variants])
		}
	}
	out := make([]TrackPoint, 0, total)
	for day := range days {
		for g := range sims {
			for _, p := range sims[g][day%variants] {
				p.Time = p.Time.AddDate(0, 0, day)
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// StreetLattice is a synthetic street grid centred on centre: n×n square
// blocks of side metres between straight streets (the roads returned),
// with one building point in the middle of each block.
func StreetLattice(centre orb.Point, n int, side float64) ([]orb.LineString, []orb.Point) {
	proj := geo.NewProjection(centre)
	h := float64(n) * side / 2
	var roads []orb.LineString
	for i := 0; i <= n; i++ {
		c := -h + float64(i)*side
		var ew, ns orb.LineString
		for j := 0; j <= n; j++ {
			d := -h + float64(j)*side
			ew = append(ew, proj.Inverse(orb.Point{d, c}))
			ns = append(ns, proj.Inverse(orb.Point{c, d}))
		}
		roads = append(roads, ew, ns)
	}
	var buildings []orb.Point
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			buildings = append(buildings, proj.Inverse(orb.Point{-h + (float64(i)+0.5)*side, -h + (float64(j)+0.5)*side}))
		}
	}
	return roads, buildings
}
