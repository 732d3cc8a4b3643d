package partition

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// The rules Validate checks. The errors make a plan wrong; the notes say
// what the data imposes on it (a planner weighs them, publishing does not
// wait for them).
const (
	RuleDisconnected  = "disconnected"   // error: a grid in pieces although its blocks could connect
	RuleCrossesParent = "crosses_parent" // error: blocks of more than one --within parent
	RuleOverlaps      = "overlaps"       // error: a block is in more than one grid
	RuleMissing       = "missing"        // error: a block is in no grid
	RuleBlockOverlap  = "block_overlap"  // error: two blocks of the plan share area
	RuleExclave       = "exclave"        // note: pieces no path of blocks joins (the blocks force it)
	RuleIsland        = "island"         // note: a piece of blocks with no neighbour outside the grid
	RuleOversizeBlock = "oversize_block" // note: one block heavier than the bounds, alone in its grid
	RuleOutOfBounds   = "out_of_bounds"  // note: basic weight outside the bounds or tolerance
	RuleGridCount     = "grid_count"     // note: count mode, not --count basic grids
)

// Severities of a Problem.
const (
	SeverityError = "error"
	SeverityNote  = "note"
)

// Problem is one rule a plan breaks (an error) or one thing the data
// imposes on it (a note), for one grid (Grid is empty for a block in no
// grid) and, when the rule is about one block, that block.
type Problem struct {
	Grid     GridID  `json:"grid,omitempty"`
	Block    BlockID `json:"block,omitempty"`
	Rule     string  `json:"rule"`
	Severity string  `json:"severity"`
	Detail   string  `json:"detail"`
}

// String renders the problem as one line: severity, grid, rule, detail.
func (p Problem) String() string {
	if p.Grid == "" {
		return fmt.Sprintf("%s: %s: %s", p.Severity, p.Rule, p.Detail)
	}
	return fmt.Sprintf("%s: %s: %s: %s", p.Severity, p.Grid, p.Rule, p.Detail)
}

// key identifies a problem across edits: its grid, rule and block.
func (p Problem) key() string { return string(p.Grid) + "\x00" + p.Rule + "\x00" + string(p.Block) }

// Errors counts the problems that are errors.
func Errors(problems []Problem) int {
	n := 0
	for _, p := range problems {
		if p.Severity == SeverityError {
			n++
		}
	}
	return n
}

// ProblemChange is how an edit changed the problems of a plan: those it
// added, those it removed, and those that were there before and still
// are.
type ProblemChange struct {
	Added   []Problem `json:"added"`
	Removed []Problem `json:"removed"`
	Kept    []Problem `json:"kept"`
}

// CompareProblems sorts the problems after an edit into new and
// pre-existing, and lists those the edit removed. A problem is the same
// when its grid, rule and block are.
func CompareProblems(before, after []Problem) ProblemChange {
	c := ProblemChange{Added: []Problem{}, Removed: []Problem{}, Kept: []Problem{}}
	was := map[string]bool{}
	for _, p := range before {
		was[p.key()] = true
	}
	is := map[string]bool{}
	for _, p := range after {
		is[p.key()] = true
		if was[p.key()] {
			c.Kept = append(c.Kept, p)
		} else {
			c.Added = append(c.Added, p)
		}
	}
	for _, p := range before {
		if !is[p.key()] {
			c.Removed = append(c.Removed, p)
		}
	}
	return c
}

// Validate lists the errors and notes of the plan, grid by grid in plan
// order, then blocks in no grid, then overlapping blocks, then (count
// mode) a number of basic grids other than Count. A whole parent below
// --min in one grid breaks nothing.
func (ed *Editor) Validate() []Problem {
	var out []Problem
	add := func(g GridID, b BlockID, rule, sev, format string, args ...any) {
		out = append(out, Problem{Grid: g, Block: b, Rule: rule, Severity: sev, Detail: fmt.Sprintf(format, args...)})
	}
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
	comp := ed.parentComponents()
	for _, g := range ed.grids {
		vs := ed.verts(g.Blocks)
		ed.validatePieces(g, vs, comp, add)
		if g.Kind == Basic && win.outside(g.Weight) > 0 {
			total := parentTotal[g.Parent]
			wholeParent := g.Weight < win.lo && math.Abs(g.Weight-total) <= 1e-9*math.Max(1, total)
			switch {
			case len(vs) == 1 && g.Weight > win.hi:
				add(g.ID, g.Blocks[0], RuleOversizeBlock, SeverityNote, "block %s alone weighs %g, above %g", g.Blocks[0], g.Weight, win.hi)
			case !wholeParent:
				add(g.ID, "", RuleOutOfBounds, SeverityNote, "weight %g outside [%g, %g]", g.Weight, win.lo, win.hi)
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
				add(g.ID, "", RuleCrossesParent, SeverityError, "blocks of %s %s", ed.opt.Within, strings.Join(parents, ", "))
			}
		}
		for _, b := range g.Blocks {
			if gs := owner[b]; len(gs) > 1 {
				others := slices.DeleteFunc(slices.Clone(gs), func(o GridID) bool { return o == g.ID })
				add(g.ID, b, RuleOverlaps, SeverityError, "block %s is also in %s", b, joinIDs(others))
			}
		}
	}
	for _, b := range ed.blocks {
		if len(owner[b.ID]) == 0 {
			add("", b.ID, RuleMissing, SeverityError, "block %s is in no grid", b.ID)
		}
	}
	for _, o := range ed.overlaps() {
		add("", o.A, RuleBlockOverlap, SeverityError, "blocks %s and %s overlap by %.1f m²", o.A, o.B, o.AreaM2)
	}
	if ed.opt.CountMode() {
		n := 0
		for _, g := range ed.grids {
			if g.Kind == Basic {
				n++
			}
		}
		if n != ed.opt.Count {
			add("", "", RuleGridCount, SeverityNote, "%d basic grids, --count %d", n, ed.opt.Count)
		}
	}
	return out
}

// validatePieces checks that grid g (blocks vs) is one piece: a grid in
// pieces that one component of its parent's block graph holds is an
// error (its blocks could connect); pieces in different components are
// an exclave the blocks force, and a piece that is a whole component of
// the graph an island.
func (ed *Editor) validatePieces(g Grid, vs []int32, comp []int32, add func(GridID, BlockID, string, string, string, ...any)) {
	pieces := ed.e.components(vs)
	if len(pieces) < 2 {
		return
	}
	slices.SortStableFunc(pieces, func(a, b []int32) int {
		return cmp.Compare(ed.e.weightOf(b)+float64(len(b))*1e-9, ed.e.weightOf(a)+float64(len(a))*1e-9)
	})
	main := comp[pieces[0][0]]
	size := map[int32]int{}
	for _, c := range comp {
		size[c]++
	}
	joinable := true
	for _, p := range pieces[1:] {
		if comp[p[0]] != main {
			joinable = false
		}
	}
	if joinable {
		add(g.ID, "", RuleDisconnected, SeverityError, "%d blocks in %d separate pieces that blocks of other grids join: pieces apart from the main one hold %s",
			len(vs), len(pieces), ed.idList(slices.Concat(pieces[1:]...)))
		return
	}
	for _, p := range pieces[1:] {
		switch {
		case comp[p[0]] == main:
			add(g.ID, ed.blocks[p[0]].ID, RuleDisconnected, SeverityError, "piece of blocks %s is apart from the rest of the grid, which other blocks join", ed.idList(p))
		case size[comp[p[0]]] == len(p):
			add(g.ID, ed.blocks[p[0]].ID, RuleIsland, SeverityNote, "blocks %s form an island: no block joins them to any other", ed.idList(p))
		default:
			add(g.ID, ed.blocks[p[0]].ID, RuleExclave, SeverityNote, "blocks %s lie apart: no path of blocks of its parent joins them to the rest", ed.idList(p))
		}
	}
}

// idList names up to five blocks of vs.
func (ed *Editor) idList(vs []int32) string {
	ids := make([]string, 0, min(len(vs), 6))
	for i, v := range vs {
		if i == 5 {
			ids = append(ids, fmt.Sprintf("and %d more", len(vs)-5))
			break
		}
		ids = append(ids, string(ed.blocks[v].ID))
	}
	return strings.Join(ids, ", ")
}

func joinIDs(ids []GridID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}

// parentComponents labels every block with its connected component in the
// block graph of its --within parent (all blocks of the plan, basic and
// dedicated): blocks of different components can never be joined.
func (ed *Editor) parentComponents() []int32 {
	if ed.comp != nil {
		return ed.comp
	}
	comp := make([]int32, len(ed.blocks))
	for i := range comp {
		comp[i] = -1
	}
	var next int32
	for s := range ed.blocks {
		if comp[s] >= 0 {
			continue
		}
		par := ed.blocks[s].attr(ed.opt.Within)
		comp[s] = next
		stack := []int32{int32(s)}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, u := range ed.e.g.adj[x] {
				if comp[u] < 0 && ed.blocks[u].attr(ed.opt.Within) == par {
					comp[u] = next
					stack = append(stack, u)
				}
			}
		}
		next++
	}
	ed.comp = comp
	return comp
}

// overlaps lists the pairs of the plan's blocks that share area, measured
// once per editor.
func (ed *Editor) overlaps() []Overlap {
	if ed.blockOverlaps == nil {
		ed.blockOverlaps = Overlaps(ed.blocks)
		if ed.blockOverlaps == nil {
			ed.blockOverlaps = []Overlap{}
		}
	}
	return ed.blockOverlaps
}
