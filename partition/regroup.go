package partition

import (
	"math"
	"slices"
)

// regroup repairs grids in [p0, *p1) that local moves left out of
// bounds: for each, it merges it with one neighbouring grid, or two, and
// cuts the group again along spanning trees, keeping the new cut when the
// total distance outside the bounds shrinks. With flexible (bounds mode,
// where the number of grids is free) the group may come back as one grid
// fewer or more than it was; a grid left empty stays in the range with no
// blocks, a new one is appended and *p1 grows (the range must be the last
// one opened). Each group tried spends one unit of *effort; it stops
// when that runs out or the caller gives up. It returns whether anything
// changed.
func (e *engine) regroup(verts []int32, p0 int32, p1 *int32, flexible bool, effort *int) bool {
	changed := false
	try := func(group []int32, members [][]int32) bool {
		if *effort <= 0 || e.stopped() {
			return false
		}
		*effort--
		return e.tryGroup(group, members, p0, p1, flexible)
	}
	for _, a := range e.outOfBounds(p0, *p1) {
		if *effort <= 0 || e.stopped() {
			break
		}
		if e.parts[a].win.outside(e.parts[a].w) == 0 {
			continue // an earlier regroup fixed it
		}
		members := e.members(verts, p0, *p1)
		nbs := e.gridNeighbours(members[a-p0], p0, *p1, a)
		done := false
		for _, b := range nbs {
			if done = try([]int32{a, b}, members); done {
				break
			}
		}
		for i := 0; !done && i < len(nbs); i++ {
			for _, c := range e.gridNeighbours(members[nbs[i]-p0], p0, *p1, a) {
				if c != nbs[i] {
					if done = try([]int32{a, nbs[i], c}, members); done {
						break
					}
				}
			}
		}
		changed = changed || done
	}
	return changed
}

// gridNeighbours lists, in index order, the grids in [p0, p1) other than
// skip that touch the blocks vs.
func (e *engine) gridNeighbours(vs []int32, p0, p1, skip int32) []int32 {
	var out []int32
	for _, v := range vs {
		for _, u := range e.g.adj[v] {
			if q := e.part[u]; q >= p0 && q < p1 && q != skip && q != e.part[v] && !slices.Contains(out, q) {
				out = append(out, q)
			}
		}
	}
	slices.Sort(out)
	return out
}

// tryGroup redraws the grids of group (given their members) and applies
// the result when it lowers their total distance outside the bounds.
func (e *engine) tryGroup(group []int32, members [][]int32, p0 int32, p1 *int32, flexible bool) bool {
	per := e.parts[group[0]].win
	target := e.parts[group[0]].target
	var union []int32
	var old, total float64
	for _, p := range group {
		union = append(union, members[p-p0]...)
		old += per.outside(e.parts[p].w)
		total += e.parts[p].w
	}
	ks := []int{len(group)}
	if flexible {
		lo, hi := int(math.Ceil(total/per.hi)), int(math.Floor(total/per.lo))
		for _, k := range []int{len(group) - 1, len(group) + 1} {
			if k >= 1 && k >= lo && k <= hi && k <= len(union) {
				ks = append(ks, k)
			}
		}
	}
	for _, k := range ks {
		var best [][]int32
		bestPen := old - minGain
		tries := 4
		if len(union) < 400 {
			tries = 16
		}
		for range tries {
			if e.stopped() {
				return false
			}
			sets := e.carve(union, k, per)
			var pen float64
			for _, s := range sets {
				pen += per.outside(e.weightOf(s))
			}
			if pen < bestPen {
				best, bestPen = sets, pen
			}
			if pen == 0 {
				break
			}
		}
		if best == nil {
			continue
		}
		for _, v := range union {
			e.unassign(v)
		}
		for i, set := range best {
			var p int32
			if i < len(group) {
				p = group[i]
			} else {
				p = e.newPart(per, target)
				*p1 = p + 1
			}
			for _, v := range set {
				e.assign(v, p)
			}
		}
		return true
	}
	return false
}
