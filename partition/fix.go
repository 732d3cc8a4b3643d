package partition

import (
	"slices"
)

// Fix clears the errors of the plan by changing as few blocks as it can,
// never in a locked grid, and returns the blocks it moved (the diff from
// the plan before). In turn: a block in several grids stays in the one it
// shares most boundary with; a piece of a grid cut off from its main
// piece (the heaviest) goes to the neighbouring grid it shares most
// boundary with; blocks of a parent other than their grid's main one go
// to a neighbouring grid of their parent; blocks in no grid join the
// neighbouring grid they share most boundary with, in waves from the
// grids inwards. What the blocks force (islands, exclaves) and grids out
// of bounds are notes, left for the planner.
func (ed *Editor) Fix() []BlockMove {
	before := ed.Grids()
	for i := range before {
		before[i].Blocks = slices.Clone(before[i].Blocks)
	}
	owner := make([]int, len(ed.blocks))
	for v := range owner {
		owner[v] = -1
	}
	for gi, g := range ed.grids {
		for _, v := range ed.verts(g.Blocks) {
			if o := owner[v]; o < 0 || ed.sharedWithGrid(v, gi, owner) > ed.sharedWithGrid(v, o, owner) || ed.grids[gi].Locked {
				if o < 0 || !ed.grids[o].Locked {
					owner[v] = gi
				}
			}
		}
	}
	pars := make([]string, len(ed.grids)) // each grid's parent: that of its first block
	for v := len(owner) - 1; v >= 0; v-- {
		if owner[v] >= 0 {
			pars[owner[v]] = ed.blocks[v].attr(ed.opt.Within)
		}
	}
	best := func(vs []int32, skip int, par string) int { return ed.bestGrid(vs, skip, owner, pars, par) }
	comp := ed.parentComponents()
	for gi, g := range ed.grids {
		if g.Locked {
			continue
		}
		pieces := ed.e.components(ed.members(gi, owner))
		if len(pieces) < 2 {
			continue
		}
		slices.SortStableFunc(pieces, func(a, b []int32) int {
			return cmpWeight(ed.e.weightOf(b), len(b), ed.e.weightOf(a), len(a))
		})
		for _, p := range pieces[1:] {
			if comp[p[0]] != comp[pieces[0][0]] {
				continue // no path of blocks joins it: a note, not an error
			}
			if to := best(p, gi, ed.blocks[p[0]].attr(ed.opt.Within)); to >= 0 {
				for _, v := range p {
					owner[v] = to
				}
			}
		}
	}
	if ed.opt.Within != "" {
		for gi, g := range ed.grids {
			if g.Locked {
				continue
			}
			byParent := map[string][]int32{}
			for _, v := range ed.members(gi, owner) {
				byParent[ed.blocks[v].attr(ed.opt.Within)] = append(byParent[ed.blocks[v].attr(ed.opt.Within)], v)
			}
			if len(byParent) < 2 {
				continue
			}
			main := ""
			for _, par := range sortedKeysOf(byParent) {
				if main == "" || cmpWeight(ed.e.weightOf(byParent[par]), len(byParent[par]), ed.e.weightOf(byParent[main]), len(byParent[main])) > 0 {
					main = par
				}
			}
			for _, par := range sortedKeysOf(byParent) {
				if par == main {
					continue
				}
				for _, p := range ed.e.components(byParent[par]) {
					if to := best(p, gi, par); to >= 0 {
						for _, v := range p {
							owner[v] = to
						}
					}
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for v := range ed.blocks {
			if owner[v] >= 0 {
				continue
			}
			if to := best([]int32{int32(v)}, -1, ed.blocks[v].attr(ed.opt.Within)); to >= 0 {
				owner[v], changed = to, true
			}
		}
	}
	for gi := range ed.grids {
		ed.grids[gi].Blocks = ed.grids[gi].Blocks[:0]
	}
	for v, gi := range owner {
		if gi >= 0 {
			ed.grids[gi].Blocks = append(ed.grids[gi].Blocks, ed.blocks[v].ID)
		}
	}
	ed.grids = slices.DeleteFunc(ed.grids, func(g Grid) bool { return len(g.Blocks) == 0 })
	for gi := range ed.grids {
		ed.refresh(gi)
	}
	return Diff(before, ed.grids).Moved
}

// cmpWeight orders (weight, blocks) pairs: heavier first, then more blocks.
func cmpWeight(wa float64, na int, wb float64, nb int) int {
	switch {
	case wa != wb:
		if wa > wb {
			return 1
		}
		return -1
	case na != nb:
		return na - nb
	}
	return 0
}

func sortedKeysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// members lists the blocks owner gives grid gi.
func (ed *Editor) members(gi int, owner []int) []int32 {
	var vs []int32
	for v, o := range owner {
		if o == gi {
			vs = append(vs, int32(v))
		}
	}
	return vs
}

// sharedWithGrid is the boundary (m) block v shares with the blocks owner
// gives grid gi.
func (ed *Editor) sharedWithGrid(v int32, gi int, owner []int) float64 {
	var s float64
	for k, u := range ed.e.g.adj[v] {
		if owner[u] == gi {
			s += ed.e.g.shared[v][k]
		}
	}
	return s
}

// bestGrid is the unlocked grid other than skip, of parent par when the
// plan has parents (pars holds each grid's), that shares the most
// boundary with the blocks vs (-1 when none touches them).
func (ed *Editor) bestGrid(vs []int32, skip int, owner []int, pars []string, par string) int {
	shared := map[int]float64{}
	for _, v := range vs {
		for k, u := range ed.e.g.adj[v] {
			if o := owner[u]; o >= 0 && o != skip && !ed.grids[o].Locked && !slices.Contains(vs, u) {
				shared[o] += ed.e.g.shared[v][k] + 1e-9 // a gap neighbour counts too
			}
		}
	}
	best, most := -1, 0.0
	for o := range len(ed.grids) {
		if s := shared[o]; s > most && (ed.opt.Within == "" || pars[o] == par) {
			best, most = o, s
		}
	}
	return best
}
