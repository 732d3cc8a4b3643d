package partition

import (
	"cmp"
	"slices"
)

// BlockMove is one block that changed grid between two plans (From or To
// is empty when the block is in no grid of that plan).
type BlockMove struct {
	Block BlockID `json:"block"`
	From  GridID  `json:"from"`
	To    GridID  `json:"to"`
}

// GridDelta is how one grid present in both plans changed.
type GridDelta struct {
	ID           GridID  `json:"id"`
	Weight       float64 `json:"weight"`
	PolsbyPopper float64 `json:"polsby_popper"`
	HullRatio    float64 `json:"hull_ratio"`
}

// PlanDiff is what changed from plan a to plan b. Deltas are b − a:
// balance (the largest deviation from the mean basic weight, in points),
// compactness (mean Polsby-Popper and hull ratio) and contiguity (the
// number of grids in more than one piece).
type PlanDiff struct {
	Moved            []BlockMove `json:"moved"`
	Added            []GridID    `json:"added"`
	Removed          []GridID    `json:"removed"`
	Changed          []GridDelta `json:"changed"`
	MaxDeviationPct  float64     `json:"max_deviation_pct"`
	MeanPolsbyPopper float64     `json:"mean_polsby_popper"`
	MeanHullRatio    float64     `json:"mean_hull_ratio"`
	MultipartGrids   int         `json:"multipart_grids"`
}

// Diff compares two plans of the same blocks: blocks that moved, grids
// added, removed or changed (same id, other blocks) with their metric
// deltas, and the change of the plan-wide figures.
func Diff(a, b []Grid) PlanDiff {
	var d PlanDiff
	owner := func(gs []Grid) map[BlockID]GridID {
		m := map[BlockID]GridID{}
		for _, g := range gs {
			for _, x := range g.Blocks {
				m[x] = g.ID
			}
		}
		return m
	}
	oa, ob := owner(a), owner(b)
	var ids []BlockID
	for x := range oa {
		ids = append(ids, x)
	}
	for x := range ob {
		if _, ok := oa[x]; !ok {
			ids = append(ids, x)
		}
	}
	slices.Sort(ids)
	for _, x := range ids {
		if oa[x] != ob[x] {
			d.Moved = append(d.Moved, BlockMove{x, oa[x], ob[x]})
		}
	}
	byID := map[GridID]Grid{}
	for _, g := range a {
		byID[g.ID] = g
	}
	seen := map[GridID]bool{}
	for _, g := range b {
		seen[g.ID] = true
		old, ok := byID[g.ID]
		switch {
		case !ok:
			d.Added = append(d.Added, g.ID)
		case !slices.Equal(sortedBlocks(old), sortedBlocks(g)):
			d.Changed = append(d.Changed, GridDelta{g.ID, g.Weight - old.Weight, g.PolsbyPopper - old.PolsbyPopper, g.HullRatio - old.HullRatio})
		}
	}
	for _, g := range a {
		if !seen[g.ID] {
			d.Removed = append(d.Removed, g.ID)
		}
	}
	slices.Sort(d.Added)
	slices.Sort(d.Removed)
	slices.SortFunc(d.Changed, func(x, y GridDelta) int { return cmp.Compare(x.ID, y.ID) })
	ra, rb := Summarize(a, 0, 0, 0), Summarize(b, 0, 0, 0)
	d.MaxDeviationPct = rb.MaxDeviationPct - ra.MaxDeviationPct
	d.MeanPolsbyPopper = rb.MeanPolsbyPopper - ra.MeanPolsbyPopper
	d.MeanHullRatio = rb.MeanHullRatio - ra.MeanHullRatio
	d.MultipartGrids = len(rb.Multipart) - len(ra.Multipart)
	return d
}

func sortedBlocks(g Grid) []BlockID {
	s := slices.Clone(g.Blocks)
	slices.Sort(s)
	return s
}
