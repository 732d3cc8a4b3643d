package partition

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Grid flags.
const (
	FlagOversizeBlock = "oversize_block" // one block heavier than --max
	FlagUndersize     = "undersize"      // a whole parent lighter than --min
	FlagDisconnected  = "disconnected"   // blocks that do not all touch
	FlagOutOfBounds   = "out_of_bounds"  // weight outside [min, max] or the tolerance
	// FlagMultipart marks a connected grid whose geometry is still several
	// polygons: blocks joined across a --gap, or a block in several parts.
	FlagMultipart = "multipart"
)

// label names a parent in messages.
func label(parent string) string {
	if parent == "" {
		return "all blocks"
	}
	return "parent " + parent
}

// prepareParent turns the basic blocks of one parent into pieces to
// partition, plus the grids that need no partition: the whole parent when
// it totals less than --min, and single blocks heavier than limit (--max,
// or in count mode the mean plus the tolerance: such a block alone breaks
// the bounds, so it is best left alone in its grid). Islands (pieces too
// light for a grid of their own, with no neighbour within --gap) are taken
// out and tied to the nearest block, whose grid they join.
func (e *engine) prepareParent(blocks []Block, parent string, verts []int32, opt Options, small, limit float64) ([]piece, []draft, []string) {
	var notes []string
	total := e.weightOf(verts)
	if !opt.CountMode() && total < opt.Min {
		notes = append(notes, fmt.Sprintf("%s totals %g %s, below --min %g: one undersize grid", label(parent), total, opt.Weight, opt.Min))
		return nil, []draft{{kind: Basic, parent: parent, blocks: verts, flags: []string{FlagUndersize}}}, notes
	}
	bound := fmt.Sprintf("--max %g", limit)
	if opt.CountMode() {
		bound = fmt.Sprintf("the upper bound %.1f (mean %.1f + %g%%), so ±%g%% cannot hold", limit, limit/(1+opt.Tolerance), 100*opt.Tolerance, 100*opt.Tolerance)
	}
	var drafts []draft
	var rest []int32
	for _, v := range verts {
		if e.w[v] > limit {
			drafts = append(drafts, draft{kind: Basic, parent: parent, blocks: []int32{v}, flags: []string{FlagOversizeBlock}})
			notes = append(notes, fmt.Sprintf("%s: block %s alone weighs %g %s, above %s: its own grid, flagged %s",
				label(parent), blocks[v].ID, e.w[v], opt.Weight, bound, FlagOversizeBlock))
		} else {
			rest = append(rest, v)
		}
	}
	comps := e.components(rest)
	for len(comps) > 1 {
		i := slices.IndexFunc(comps, func(c []int32) bool { return e.weightOf(c) < small })
		if i < 0 {
			break
		}
		island := comps[i]
		rest = slices.DeleteFunc(rest, func(v int32) bool { _, in := slices.BinarySearch(island, v); return in })
		cands := slices.Clone(rest)
		for _, d := range drafts {
			cands = append(cands, d.blocks[0])
		}
		notes = append(notes, e.attachIsland(blocks, parent, island, cands, drafts, opt))
		comps = e.components(rest)
	}
	var pieces []piece
	for _, c := range comps {
		pieces = append(pieces, piece{parent: parent, verts: c, weight: e.weightOf(c)})
	}
	return pieces, drafts, notes
}

// attachIsland ties the island comp to the nearest block (by centroid)
// among cands: a grid of a single oversize block takes the island in;
// any other block carries the island's weight through the partition and
// its grid takes the island at the end (engine.glued). It returns the
// note explaining it.
func (e *engine) attachIsland(blocks []Block, parent string, comp, cands []int32, drafts []draft, opt Options) string {
	for i, d := range drafts {
		if e.touches(comp, d.blocks[0]) {
			drafts[i].blocks = append(drafts[i].blocks, comp...)
			return fmt.Sprintf("%s: %d block(s) [%s] weighing %g %s are cut off from the rest by oversize block %s: joined to its grid",
				label(parent), len(comp), e.idList(blocks, comp), e.weightOf(comp), opt.Weight, blocks[d.blocks[0]].ID)
		}
	}
	to, dist := int32(-1), math.Inf(1)
	for _, u := range cands {
		for _, v := range comp {
			if d := math.Hypot(e.g.cx[u]-e.g.cx[v], e.g.cy[u]-e.g.cy[v]); d < dist {
				to, dist = u, d
			}
		}
	}
	note := fmt.Sprintf("%s: island of %d block(s) [%s] weighing %g %s has no neighbour within --gap %g m and is too light for a grid of its own; joined to the grid of block %s (centroids %.0f m apart), flagged %s",
		label(parent), len(comp), e.idList(blocks, comp), e.weightOf(comp), opt.Weight, opt.Gap, blocks[to].ID, dist, FlagDisconnected)
	for i := range drafts {
		if drafts[i].blocks[0] == to {
			drafts[i].blocks = append(drafts[i].blocks, comp...)
			return note
		}
	}
	e.w[to] += e.weightOf(comp)
	e.glued[to] = append(e.glued[to], comp...)
	return note
}

// idList names the first three blocks of vs, "…" for the rest.
func (e *engine) idList(blocks []Block, vs []int32) string {
	ids := make([]string, 0, 4)
	for _, v := range vs[:min(3, len(vs))] {
		ids = append(ids, string(blocks[v].ID))
	}
	if len(vs) > 3 {
		ids = append(ids, "…")
	}
	return strings.Join(ids, " ")
}

// touches reports whether block u is a neighbour of one of the blocks vs.
func (e *engine) touches(vs []int32, u int32) bool {
	for _, v := range vs {
		if slices.Contains(e.g.adj[v], u) {
			return true
		}
	}
	return false
}

func (e *engine) weightOf(vs []int32) float64 {
	var s float64
	for _, v := range vs {
		s += e.w[v]
	}
	return s
}

// dedicatedDrafts makes the dedicated grids: blocks whose DedicatedField
// has one of DedicatedValues, neighbours of one institution (same value,
// same name and same parent) merged. It returns them and the other blocks.
func dedicatedDrafts(e *engine, blocks []Block, opt Options) ([]draft, []int32) {
	var basic []int32
	if opt.DedicatedField == "" {
		for i := range blocks {
			basic = append(basic, int32(i))
		}
		return nil, basic
	}
	key := func(v int32) string {
		b := blocks[v]
		return b.attr(opt.DedicatedField) + "\x00" + b.Name + "\x00" + b.attr(opt.Within)
	}
	dsu := make([]int32, len(blocks))
	isDed := make([]bool, len(blocks))
	for i, b := range blocks {
		dsu[i] = int32(i)
		isDed[i] = slices.Contains(opt.DedicatedValues, b.attr(opt.DedicatedField))
		if !isDed[i] {
			basic = append(basic, int32(i))
		}
	}
	for v := range blocks {
		if !isDed[v] {
			continue
		}
		for _, u := range e.g.adj[v] {
			if isDed[u] && key(int32(v)) == key(u) {
				if a, b := find(dsu, int32(v)), find(dsu, u); a != b {
					dsu[max(a, b)] = min(a, b)
				}
			}
		}
	}
	var drafts []draft
	root := map[int32]int{}
	for v := range blocks {
		if !isDed[v] {
			continue
		}
		r := find(dsu, int32(v))
		i, ok := root[r]
		if !ok {
			i = len(drafts)
			root[r] = i
			drafts = append(drafts, draft{kind: Dedicated, parent: blocks[v].attr(opt.Within)})
		}
		drafts[i].blocks = append(drafts[i].blocks, int32(v))
	}
	return drafts, basic
}
