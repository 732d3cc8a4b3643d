package partition

import "slices"

// solve partitions the connected set verts into k grids of window per and
// returns the range [p0, p1) of their indices (flexible: the repair may
// end with a grid more or fewer, some indices left empty). It draws
// restarts plans — spanning-tree bisection, repair by local moves and
// regrouping, then shape by local moves and annealing — and keeps the
// best: least total weight outside the window, then highest Σ shape.
func (e *engine) solve(verts []int32, k int, per window, target float64, restarts int, flexible bool) (int32, int32) {
	p0 := int32(len(e.parts))
	passes := 200
	if len(verts) > 20000 {
		passes = 12
	}
	var best []int32
	bestOut, bestShape, bestK := 0.0, 0.0, k
	for r := 0; r < restarts; r++ {
		if r > 0 {
			for _, v := range verts {
				e.part[v] = -1
			}
			e.parts = e.parts[:p0]
		}
		e.split(verts, k, per, target)
		p1 := int32(len(e.parts))
		active := verts
		for range 20 {
			e.localSearch(active, p0, p1, passes)
			if len(e.outOfBounds(p0, p1)) == 0 || !e.regroup(verts, p0, &p1, flexible) {
				break
			}
			active = e.around(verts, e.outOfBounds(p0, p1))
		}
		e.localSearch(verts, p0, p1, passes)
		e.anneal(verts, p0, p1, annealSteps(len(verts)), 0.02, 1e-4)
		var out, sum float64
		for p := p0; p < p1; p++ {
			ps := &e.parts[p]
			if ps.n == 0 {
				continue
			}
			out += ps.win.outside(ps.w)
			sum += shape(ps.area, ps.perim)
		}
		if best == nil || out < bestOut || (out == bestOut && sum > bestShape) {
			best = best[:0]
			for _, v := range verts {
				best = append(best, e.part[v]-p0)
			}
			bestOut, bestShape, bestK = out, sum, int(p1-p0)
		}
	}
	if restarts > 1 {
		for _, v := range verts {
			e.part[v] = -1
		}
		e.parts = e.parts[:p0]
		for range bestK {
			e.newPart(per, target)
		}
		for i, v := range verts {
			e.assign(v, p0+best[i])
		}
	}
	return p0, int32(len(e.parts))
}

// components returns the connected pieces of the set verts in the graph,
// each in ascending block order, pieces ordered by their first block.
func (e *engine) components(verts []int32) [][]int32 {
	for i, v := range verts {
		e.loc[v] = int32(i)
	}
	defer func() {
		for _, v := range verts {
			e.loc[v] = -1
		}
	}()
	seen := make([]bool, len(verts))
	var out [][]int32
	sorted := slices.Clone(verts)
	slices.Sort(sorted)
	for _, s := range sorted {
		if seen[e.loc[s]] {
			continue
		}
		seen[e.loc[s]] = true
		comp := []int32{s}
		for h := 0; h < len(comp); h++ {
			for _, u := range e.g.adj[comp[h]] {
				if j := e.loc[u]; j >= 0 && !seen[j] {
					seen[j] = true
					comp = append(comp, u)
				}
			}
		}
		slices.Sort(comp)
		out = append(out, comp)
	}
	return out
}

// annealSteps is the annealing budget for n blocks: 1,500 attempted
// moves a block on a city's census blocks (up to 3,000), then 40 a block
// more, so that large inputs stay near linear in n.
func annealSteps(n int) int {
	if n <= 3000 {
		return 1500 * n
	}
	return 4500000 + 40*(n-3000)
}

// around returns the blocks of verts in the grids bad or next to them:
// the only blocks whose moves can bring those grids into bounds.
func (e *engine) around(verts []int32, bad []int32) []int32 {
	if len(bad) == 0 {
		return nil
	}
	isBad := make(map[int32]bool, len(bad))
	for _, p := range bad {
		isBad[p] = true
	}
	var out []int32
	for _, v := range verts {
		near := isBad[e.part[v]]
		for _, u := range e.g.adj[v] {
			near = near || isBad[e.part[u]]
		}
		if near {
			out = append(out, v)
		}
	}
	return out
}
