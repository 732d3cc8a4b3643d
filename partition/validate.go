package partition

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// The rules Validate checks.
const (
	RuleDisconnected  = "disconnected"   // the grid's blocks do not all touch
	RuleOutOfBounds   = "out_of_bounds"  // basic weight outside the bounds or tolerance
	RuleCrossesParent = "crosses_parent" // blocks of more than one --within parent
	RuleOverlaps      = "overlaps"       // a block is in more than one grid
	RuleMissing       = "missing"        // a block is in no grid
	RuleGridCount     = "grid_count"     // count mode: not --count basic grids
)

// Problem is one rule a plan breaks, for one grid (Grid is empty for a
// block in no grid).
type Problem struct {
	Grid   GridID `json:"grid,omitempty"`
	Rule   string `json:"rule"`
	Detail string `json:"detail"`
}

// String renders the problem as one line: grid, rule, detail.
func (p Problem) String() string {
	if p.Grid == "" {
		return p.Rule + ": " + p.Detail
	}
	return fmt.Sprintf("%s: %s: %s", p.Grid, p.Rule, p.Detail)
}

// Validate lists every rule the plan breaks, grid by grid in plan order,
// then blocks in no grid, then (count mode) a number of basic grids other
// than Count. A single block above --max alone in its grid,
// and a whole parent below --min in one grid, are the allowed exceptions.
func (ed *Editor) Validate() []Problem {
	var out []Problem
	win := ed.window()
	owner := make(map[BlockID][]GridID, len(ed.blocks))
	parentTotal := map[string]float64{}
	dedicated := map[BlockID]bool{}
	for _, g := range ed.grids {
		for _, b := range g.Blocks {
			owner[b] = append(owner[b], g.ID)
			dedicated[b] = dedicated[b] || g.Kind == Dedicated
		}
	}
	for i, b := range ed.blocks {
		if !dedicated[b.ID] {
			parentTotal[b.attr(ed.opt.Within)] += ed.e.w0[i]
		}
	}
	for _, g := range ed.grids {
		vs := ed.verts(g.Blocks)
		if !ed.e.connected(vs) {
			out = append(out, Problem{g.ID, RuleDisconnected, fmt.Sprintf("%d blocks in %d separate pieces", len(vs), len(ed.e.components(vs)))})
		}
		if g.Kind == Basic && win.outside(g.Weight) > 0 {
			oversize := len(vs) == 1 && g.Weight > win.hi
			total := parentTotal[g.Parent]
			wholeParent := g.Weight < win.lo && math.Abs(g.Weight-total) <= 1e-9*math.Max(1, total)
			if !oversize && !wholeParent {
				out = append(out, Problem{g.ID, RuleOutOfBounds, fmt.Sprintf("weight %g outside [%g, %g]", g.Weight, win.lo, win.hi)})
			}
		}
		if ed.opt.Within != "" {
			var parents []string
			for _, v := range vs {
				if p := ed.blocks[v].attr(ed.opt.Within); !slices.Contains(parents, p) {
					parents = append(parents, p)
				}
			}
			if len(parents) > 1 {
				slices.Sort(parents)
				out = append(out, Problem{g.ID, RuleCrossesParent, fmt.Sprintf("blocks of %s %s", ed.opt.Within, strings.Join(parents, ", "))})
			}
		}
		for _, b := range g.Blocks {
			if gs := owner[b]; len(gs) > 1 {
				var others []string
				for _, o := range gs {
					if o != g.ID {
						others = append(others, string(o))
					}
				}
				out = append(out, Problem{g.ID, RuleOverlaps, fmt.Sprintf("block %s is also in %s", b, strings.Join(others, ", "))})
			}
		}
	}
	for _, b := range ed.blocks {
		if len(owner[b.ID]) == 0 {
			out = append(out, Problem{"", RuleMissing, fmt.Sprintf("block %s is in no grid", b.ID)})
		}
	}
	if ed.opt.CountMode() {
		n := 0
		for _, g := range ed.grids {
			if g.Kind == Basic {
				n++
			}
		}
		if n != ed.opt.Count {
			out = append(out, Problem{"", RuleGridCount, fmt.Sprintf("%d basic grids, --count %d", n, ed.opt.Count)})
		}
	}
	return out
}
