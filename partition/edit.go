package partition

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"wangge/geo"
)

// Editor holds a plan being edited over its blocks: move blocks, lock
// grids, redraw a region. Every edit keeps each block in exactly one grid
// and updates the figures and flags of the grids it touches.
type Editor struct {
	blocks []Block
	opt    Options
	e      *engine
	idx    map[BlockID]int32
	grids  []Grid

	comp          []int32   // component of each block in its parent's graph (parentComponents)
	blockOverlaps []Overlap // the blocks' overlaps, once measured (overlaps)
}

// NewEditor starts editing grids (a plan drawn from blocks with opt),
// recomputing every grid's weight, geometry, figures and flags from the
// blocks. It fails with ErrBlockNotFound when a grid lists a block not in
// blocks.
func NewEditor(blocks []Block, grids []Grid, opt Options) (*Editor, error) {
	w, err := weights(blocks, opt.Weight)
	if err != nil {
		return nil, err
	}
	ed := &Editor{blocks: blocks, opt: opt, e: newEngine(buildGraph(blocks, opt.Gap), w, opt.Seed),
		idx: make(map[BlockID]int32, len(blocks)), grids: slices.Clone(grids)}
	for i, b := range blocks {
		ed.idx[b.ID] = int32(i)
	}
	for gi, g := range ed.grids {
		for _, b := range g.Blocks {
			if _, ok := ed.idx[b]; !ok {
				return nil, fmt.Errorf("%w: grid %s lists block %s", ErrBlockNotFound, g.ID, b)
			}
		}
		ed.grids[gi].Blocks = slices.Clone(g.Blocks)
		ed.grids[gi].Weight = ed.e.weightOf(ed.verts(g.Blocks))
	}
	for gi := range ed.grids { // after all weights: the count-mode window is their mean
		ed.refresh(gi)
	}
	return ed, nil
}

// Grids returns the plan as it stands.
func (ed *Editor) Grids() []Grid { return slices.Clone(ed.grids) }

func (ed *Editor) grid(id GridID) (int, error) {
	i := slices.IndexFunc(ed.grids, func(g Grid) bool { return g.ID == id })
	if i < 0 {
		return -1, fmt.Errorf("%w: %s", ErrGridNotFound, id)
	}
	return i, nil
}

// Lock marks grids as locked (locked false unlocks them): a locked grid
// keeps its blocks through moves and redraws.
func (ed *Editor) Lock(locked bool, ids ...GridID) error {
	for _, id := range ids {
		i, err := ed.grid(id)
		if err != nil {
			return err
		}
		ed.grids[i].Locked = locked
	}
	return nil
}

// Move puts block b into grid to. Neither grid may be locked; a grid left
// without blocks disappears. The result may break rules (a grid falls
// apart, leaves its bounds): Validate lists what it breaks.
func (ed *Editor) Move(b BlockID, to GridID) error {
	if _, ok := ed.idx[b]; !ok {
		return fmt.Errorf("%w: %s", ErrBlockNotFound, b)
	}
	ti, err := ed.grid(to)
	if err != nil {
		return err
	}
	fi := slices.IndexFunc(ed.grids, func(g Grid) bool { return slices.Contains(g.Blocks, b) })
	if fi < 0 {
		return fmt.Errorf("%w: block %s is in no grid of the plan", ErrBlockNotFound, b)
	}
	if fi == ti {
		return nil
	}
	for _, i := range []int{fi, ti} {
		if ed.grids[i].Locked {
			return fmt.Errorf("%w: %s", ErrLocked, ed.grids[i].ID)
		}
	}
	ed.grids[fi].Blocks = slices.DeleteFunc(ed.grids[fi].Blocks, func(x BlockID) bool { return x == b })
	ed.grids[ti].Blocks = append(ed.grids[ti].Blocks, b)
	ed.refresh(ti)
	if len(ed.grids[fi].Blocks) == 0 {
		ed.grids = slices.Delete(ed.grids, fi, fi+1)
		return nil
	}
	ed.refresh(fi)
	return nil
}

// refresh recomputes weight, geometry, figures and flags of grid i.
func (ed *Editor) refresh(i int) {
	g := &ed.grids[i]
	slices.Sort(g.Blocks)
	vs := ed.verts(g.Blocks)
	parts := make([]orb.MultiPolygon, len(vs))
	g.Weight = 0
	for k, v := range vs {
		g.Weight += ed.e.w0[v]
		parts[k] = ed.blocks[v].Geometry
	}
	g.Geometry = geo.Dissolve(parts)
	measure(g)
	g.Flags = ed.flags(*g, ed.window())
}

func (ed *Editor) verts(ids []BlockID) []int32 {
	vs := make([]int32, len(ids))
	for k, b := range ids {
		vs[k] = ed.idx[b]
	}
	return vs
}

// window is the weight range basic grids must keep: [Min, Max], or the
// mean basic weight of the plan ± Tolerance in count mode.
func (ed *Editor) window() window {
	if !ed.opt.CountMode() {
		return window{ed.opt.Min, ed.opt.Max}
	}
	var sum float64
	n := 0
	for _, g := range ed.grids {
		if g.Kind == Basic {
			sum += g.Weight
			n++
		}
	}
	if n == 0 {
		return window{}
	}
	mean := sum / float64(n)
	return window{mean * (1 - ed.opt.Tolerance), mean * (1 + ed.opt.Tolerance)}
}

// flags are the rule flags of a grid: disconnected, out of bounds (a
// single block above the bounds is oversize_block instead).
func (ed *Editor) flags(g Grid, win window) []string {
	var out []string
	vs := ed.verts(g.Blocks)
	if g.Kind == Basic && win.outside(g.Weight) > 0 {
		switch {
		case len(vs) == 1 && g.Weight > win.hi:
			out = append(out, FlagOversizeBlock)
		case slices.Contains(g.Flags, FlagUndersize) && g.Weight < win.lo:
			out = append(out, FlagUndersize)
		default:
			out = append(out, FlagOutOfBounds)
		}
	}
	if !ed.e.connected(vs) {
		out = append(out, FlagDisconnected)
	} else if len(g.Geometry) > 1 {
		out = append(out, FlagMultipart)
	}
	return out
}

// Redraw partitions the blocks of the region's unlocked basic grids again
// into as many grids, keeping locked grids, dedicated grids and every grid
// outside the region as they are (with their ids). The new grids take the
// region's old ids in code order.
func (ed *Editor) Redraw(ctx context.Context, region []GridID) error {
	return ed.redraw(ctx, region, 0, ed.window())
}

// Split redraws grid id as k grids: the first keeps the id, the others
// get new ones.
func (ed *Editor) Split(ctx context.Context, id GridID, k int) error {
	i, err := ed.grid(id)
	if err != nil {
		return err
	}
	g := ed.grids[i]
	switch {
	case g.Locked:
		return fmt.Errorf("%w: %s", ErrLocked, id)
	case g.Kind != Basic:
		return fmt.Errorf("%w: %s is a dedicated grid", ErrInfeasible, id)
	case k < 1 || k > len(g.Blocks):
		return fmt.Errorf("%w: cannot split the %d blocks of %s into %d grids", ErrInfeasible, len(g.Blocks), id, k)
	}
	// Aim each part at an equal share: ±Tolerance in count mode, ±10%
	// (inside the bounds where possible) in bounds mode.
	avg, t := g.Weight/float64(k), 0.1
	if ed.opt.CountMode() {
		t = ed.opt.Tolerance
	}
	win := window{avg * (1 - t), avg * (1 + t)}
	if b := ed.window(); !ed.opt.CountMode() && max(win.lo, b.lo) <= min(win.hi, b.hi) {
		win = window{max(win.lo, b.lo), min(win.hi, b.hi)}
	}
	return ed.redraw(ctx, []GridID{id}, k, win)
}

// Merge puts the blocks of grid b into grid a (which keeps its id) and
// drops b. Neither may be locked; Validate tells whether the result keeps
// the rules.
func (ed *Editor) Merge(a, b GridID) error {
	ai, err := ed.grid(a)
	if err != nil {
		return err
	}
	bi, err := ed.grid(b)
	if err != nil {
		return err
	}
	if ai == bi {
		return nil
	}
	for _, i := range []int{ai, bi} {
		if ed.grids[i].Locked {
			return fmt.Errorf("%w: %s", ErrLocked, ed.grids[i].ID)
		}
	}
	ed.grids[ai].Blocks = append(ed.grids[ai].Blocks, ed.grids[bi].Blocks...)
	ed.refresh(ai)
	ed.grids = slices.Delete(ed.grids, bi, bi+1)
	return nil
}

// redraw re-partitions the unlocked basic grids of region: into as many
// grids per parent as the region had there, or into want grids when want
// is positive (a region within one parent), each of weight window win.
func (ed *Editor) redraw(ctx context.Context, region []GridID, want int, win window) error {
	var ids []GridID
	var verts []int32
	for _, id := range region {
		i, err := ed.grid(id)
		if err != nil {
			return err
		}
		if g := ed.grids[i]; g.Kind == Basic && !g.Locked && !slices.Contains(ids, id) {
			ids = append(ids, id)
			verts = append(verts, ed.verts(g.Blocks)...)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	keep := slices.DeleteFunc(slices.Clone(ed.grids), func(g Grid) bool { return slices.Contains(ids, g.ID) })
	e := ed.e
	e.ctx = ctx
	defer func() { e.ctx = nil }()
	e.parts = e.parts[:0]
	for v := range e.part {
		e.part[v] = -1
	}
	var drafts []draft
	for _, par := range groupByParent(ed.blocks, verts, ed.opt.Within) {
		k := len(slices.DeleteFunc(slices.Clone(ids), func(id GridID) bool {
			i, _ := ed.grid(id)
			return ed.grids[i].Parent != par.name
		}))
		if want > 0 {
			k = want
		}
		pieces := []piece{}
		for _, c := range e.components(par.verts) {
			pieces = append(pieces, piece{parent: par.name, verts: c, weight: e.weightOf(c)})
		}
		if _, _, _, err := allocate(pieces, Options{Count: max(k, len(pieces)), Tolerance: 0.5}, len(par.verts), 0, 0); err != nil {
			return err
		}
		for _, pc := range pieces {
			if err := ctx.Err(); err != nil {
				return err
			}
			p0, p1 := e.solve(pc.verts, pc.k, win, (win.lo+win.hi)/2, 3, false)
			for _, m := range e.members(pc.verts, p0, p1) {
				if len(m) > 0 {
					drafts = append(drafts, draft{kind: Basic, parent: pc.parent, blocks: m})
				}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	res := finish(e, ed.blocks, drafts, Options{}, win, nil)
	slices.Sort(ids)
	for len(ids) < len(res.Grids) {
		ids = append(ids, ed.freshID(ids))
	}
	for i := range res.Grids {
		res.Grids[i].ID = ids[i]
	}
	ed.grids = append(keep, res.Grids...)
	slices.SortFunc(ed.grids, func(a, b Grid) int { return cmp.Compare(a.ID, b.ID) })
	return nil
}

// freshID returns an id that no grid of the plan and none of taken has,
// for a redraw that makes more grids than it replaced (a split, or a
// region in more pieces than grids).
func (ed *Editor) freshID(taken []GridID) GridID {
	for seq := len(ed.grids) + 1; ; seq++ {
		id := code(ed.opt.CodePrefix, seq)
		if _, err := ed.grid(id); err != nil && !slices.Contains(taken, id) {
			return id
		}
	}
}

// Bounds returns the weight range basic grids of the plan must keep.
func (ed *Editor) Bounds() (lo, hi float64) {
	w := ed.window()
	return w.lo, w.hi
}
