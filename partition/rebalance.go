package partition

import (
	"cmp"
	"context"
	"math"
	"slices"
)

// Rebalance moves boundary blocks between neighbouring basic grids, one
// at a time, until every unlocked basic grid's weight lies within
// tolerance (a fraction) of the mean basic weight, or no move brings the
// plan closer. Each move takes a block from one unlocked basic grid to an
// unlocked basic grid of the same parent it touches, never empties a
// grid and never cuts the grid it leaves in two; of the moves allowed it
// takes the one that lowers most the excess Σ max(0, |w − mean| −
// tolerance·mean)², so that few blocks move. Blocks stay whole. It
// returns the moves in the order made (a block that moved twice appears
// twice).
func (ed *Editor) Rebalance(ctx context.Context, tolerance float64) ([]BlockMove, error) {
	e := ed.e
	for v := range e.part {
		e.part[v] = -1
	}
	var sum float64
	n := 0
	for gi, g := range ed.grids {
		for _, v := range ed.verts(g.Blocks) {
			e.part[v] = int32(gi)
		}
		if g.Kind == Basic {
			sum += g.Weight
			n++
		}
	}
	if n == 0 {
		return nil, nil
	}
	mean := sum / float64(n)
	slack := tolerance * mean
	excess := func(w float64) float64 {
		x := math.Max(0, math.Abs(w-mean)-slack)
		return x * x
	}
	movable := func(gi int32) bool {
		return gi >= 0 && ed.grids[gi].Kind == Basic && !ed.grids[gi].Locked
	}
	type move struct {
		v        int32
		from, to int32
		gain     float64
	}
	var moves []BlockMove
	touched := map[int32]bool{}
	var cands []move
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cands = cands[:0]
		for v, p := range e.part {
			if !movable(p) || len(ed.grids[p].Blocks) < 2 {
				continue
			}
			from := ed.grids[p]
			for _, u := range e.g.adj[v] {
				q := e.part[u]
				if q == p || !movable(q) || ed.grids[q].Parent != from.Parent {
					continue
				}
				w := e.w0[v]
				gain := excess(from.Weight) + excess(ed.grids[q].Weight) - excess(from.Weight-w) - excess(ed.grids[q].Weight+w)
				if gain > 1e-9*mean*mean {
					cands = append(cands, move{int32(v), p, q, gain})
				}
			}
		}
		if len(cands) == 0 {
			break
		}
		slices.SortFunc(cands, func(a, b move) int {
			return cmp.Or(-cmp.Compare(a.gain, b.gain), cmp.Compare(ed.blocks[a.v].ID, ed.blocks[b.v].ID), cmp.Compare(a.to, b.to))
		})
		done := false
		for _, m := range cands {
			if !e.connectedWithout(m.v) {
				continue
			}
			b := ed.blocks[m.v].ID
			from, to := &ed.grids[m.from], &ed.grids[m.to]
			from.Blocks = slices.DeleteFunc(from.Blocks, func(x BlockID) bool { return x == b })
			to.Blocks = append(to.Blocks, b)
			from.Weight -= e.w0[m.v]
			to.Weight += e.w0[m.v]
			e.part[m.v] = m.to
			touched[m.from], touched[m.to] = true, true
			moves = append(moves, BlockMove{Block: b, From: from.ID, To: to.ID})
			done = true
			break
		}
		if !done {
			break
		}
	}
	for gi := range touched {
		ed.refresh(int(gi))
	}
	return moves, nil
}
