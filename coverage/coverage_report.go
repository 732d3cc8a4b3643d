package coverage

import (
	"math"
	"math/bits"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/uber/h3-go/v4"

	"wangge/geo"
	"wangge/partition"
)

// CoverageReport is the result of Coverage. Shares are covered cells over
// cells, 0 for an area without cells.
type CoverageReport struct {
	Res      int       `json:"res"`
	Buffer   float64   `json:"buffer_m"`
	From     time.Time `json:"from,omitzero"`
	To       time.Time `json:"to,omitzero"`
	Fixes    int       `json:"fixes"`    // fixes inside the window
	Segments int       `json:"segments"` // interpolated segments between them
	Runs     int       `json:"runs"`     // runs of consecutive fixes of one worker
	Days     int       `json:"days"`     // calendar days the heat spans
	Cells    int       `json:"cells"`    // distinct cells of all grids and blocks
	Covered  int       `json:"covered"`
	Share    float64   `json:"share"`

	Grids  []GridCoverage  `json:"grids"`
	Blocks []BlockCoverage `json:"blocks,omitempty"`
	Heat   []CellHeat      `json:"heat"` // covered cells only
}

// GridCoverage is the coverage of one grid. Gaps are its uncovered cells
// dissolved into polygons and clipped to the grid; GapArea is their
// geodesic area and GapShare its share of the grid's area. Share counts
// cells (covered over cells).
type GridCoverage struct {
	ID          partition.GridID `json:"id"`
	Cells       int              `json:"cells"`
	Covered     int              `json:"covered"`
	Share       float64          `json:"share"`
	GapCells    int              `json:"gap_cells"`
	GapArea     float64          `json:"gap_area_m2"`
	GapShare    float64          `json:"gap_share"`
	LastVisited time.Time        `json:"last_visited,omitzero"`
	Gaps        orb.MultiPolygon `json:"-"`
}

// BlockCoverage is the coverage of one block; Grid is the grid whose
// block list names it.
type BlockCoverage struct {
	ID          partition.BlockID `json:"id"`
	Grid        partition.GridID  `json:"grid,omitempty"`
	Cells       int               `json:"cells"`
	Covered     int               `json:"covered"`
	Share       float64           `json:"share"`
	LastVisited time.Time         `json:"last_visited,omitzero"`
}

// CellHeat is the visit heat of one covered cell.
type CellHeat struct {
	Cell        h3.Cell   `json:"-"`
	H3          string    `json:"h3"` // the cell as hexadecimal text
	Days        int       `json:"days"`
	Passes      int       `json:"passes"`
	LastVisited time.Time `json:"last_visited"`
}

// report assembles the figures from the visit state.
func (cv *coverer) report() *CoverageReport {
	r := &CoverageReport{Res: cv.o.Res, Buffer: cv.o.Buffer, From: cv.o.From, To: cv.o.To,
		Fixes: cv.v.fixes, Segments: cv.v.segments, Runs: cv.v.runs, Days: cv.dayCount, Cells: len(cv.cells)}
	for k, c := range cv.cells {
		if cv.v.last[k] == 0 {
			continue
		}
		r.Covered++
		days := 0
		for _, w := range cv.v.days[k*cv.dayWords : (k+1)*cv.dayWords] {
			days += bits.OnesCount64(w)
		}
		r.Heat = append(r.Heat, CellHeat{Cell: c, H3: c.String(), Days: days,
			Passes: int(cv.v.passes[k]), LastVisited: cv.visited(int32(k))})
	}
	r.Share = share(r.Covered, r.Cells)
	for _, a := range cv.grids {
		covered, last, gaps := cv.tally(a.cells)
		mp := geo.Intersection(geo.CellsToMultiPolygon(gaps), a.geom)
		g := GridCoverage{ID: partition.GridID(a.id), Cells: len(a.cells),
			Covered: covered, Share: share(covered, len(a.cells)), GapCells: len(gaps),
			GapArea: geo.Area(mp), LastVisited: last, Gaps: mp}
		if area := geo.Area(a.geom); area > 0 {
			g.GapShare = min(1, g.GapArea/area)
		}
		r.Grids = append(r.Grids, g)
	}
	for _, a := range cv.blocks {
		covered, last, _ := cv.tally(a.cells)
		r.Blocks = append(r.Blocks, BlockCoverage{ID: partition.BlockID(a.id), Grid: a.grid,
			Cells: len(a.cells), Covered: covered, Share: share(covered, len(a.cells)), LastVisited: last})
	}
	return r
}

// tally counts the covered cells among cells, finds the latest visit, and
// lists the uncovered cells.
func (cv *coverer) tally(cells []int32) (covered int, last time.Time, gaps []h3.Cell) {
	var latest int64
	for _, k := range cells {
		if cv.v.last[k] == 0 {
			gaps = append(gaps, cv.cells[k])
			continue
		}
		covered++
		latest = max(latest, cv.v.last[k])
	}
	if latest != 0 {
		last = time.Unix(latest, 0).In(cv.o.Zone)
	}
	return covered, last, gaps
}

func (cv *coverer) visited(k int32) time.Time { return time.Unix(cv.v.last[k], 0).In(cv.o.Zone) }

func share(covered, cells int) float64 {
	if cells == 0 {
		return 0
	}
	return float64(covered) / float64(cells)
}

// GapsGeoJSON returns one Feature per grid with uncovered cells: its gaps
// as a MultiPolygon (exterior rings counter-clockwise), with the grid's
// figures as properties (grid, cells, covered, share, gap_cells,
// gap_area_m2, gap_share, last_visited when visited). Fully covered grids have no
// feature; their figures are in the report.
func (r *CoverageReport) GapsGeoJSON() *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, g := range r.Grids {
		if len(g.Gaps) == 0 {
			continue
		}
		f := geojson.NewFeature(g.Gaps)
		f.Properties = geojson.Properties{
			"grid": string(g.ID), "cells": g.Cells, "covered": g.Covered,
			"share": round4(g.Share), "gap_cells": g.GapCells, "gap_area_m2": round1(g.GapArea),
			"gap_share": round4(g.GapShare),
		}
		if !g.LastVisited.IsZero() {
			f.Properties["last_visited"] = stamp(g.LastVisited)
		}
		fc.Append(f)
	}
	return fc
}

// HeatGeoJSON returns one Polygon Feature per covered cell with its heat
// (h3, days, passes, last_visited).
func (r *CoverageReport) HeatGeoJSON() *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, c := range r.Heat {
		f := geojson.NewFeature(geo.CellPolygon(c.Cell))
		f.Properties = geojson.Properties{"h3": c.H3, "days": c.Days, "passes": c.Passes,
			"last_visited": stamp(c.LastVisited)}
		fc.Append(f)
	}
	return fc
}

func round4(x float64) float64 { return float64(int64(x*1e4+0.5)) / 1e4 }

// stamp writes a time as RFC 3339 in its zone.
func stamp(t time.Time) string { return t.Format(time.RFC3339) }

// round1 rounds x to one decimal.
func round1(x float64) float64 { return math.Round(x*10) / 10 }
