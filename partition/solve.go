package partition

import (
	"math"
	"slices"
)

// solve partitions the connected set verts into k grids of window per and
// returns the range [p0, p1) of their indices (flexible: the repair may
// end with a grid more or fewer, some indices left empty). It draws
// restarts plans — spanning-tree bisection, repair by local moves and
// regrouping, then shape by local moves and annealing — and keeps the
// best: least total weight outside the window, then highest Σ shape.
//
// The repair is bounded (repairRounds rounds, repairEffort(k) regroups a
// restart), so a tolerance no plan meets ends with the best plan found,
// not a search without end; polish then works on shape without undoing
// the balance reached. A cancelled ctx ends every phase early.
func (e *engine) solve(verts []int32, k int, per window, target float64, restarts int, flexible bool) (int32, int32) {
	p0 := int32(len(e.parts))
	passes := 200
	if len(verts) > 20000 {
		passes = 12
	}
	var best []int32
	bestOut, bestShape, bestK := 0.0, 0.0, k
	for r := 0; r < restarts && (r == 0 || !e.stopped()); r++ {
		if r > 0 {
			for _, v := range verts {
				e.part[v] = -1
			}
			e.parts = e.parts[:p0]
		}
		e.split(verts, k, per, target)
		p1 := int32(len(e.parts))
		active := verts
		effort := repairEffort(k)
		for range repairRounds {
			e.localSearch(active, p0, p1, passes)
			if len(e.outOfBounds(p0, p1)) == 0 || e.stopped() || !e.regroup(verts, p0, &p1, flexible, &effort) {
				break
			}
			active = e.around(verts, e.outOfBounds(p0, p1))
		}
		e.polish(verts, p0, p1, passes)
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

// repairRounds is how many rounds of local moves and regrouping the
// repair of one plan takes at most.
const repairRounds = 20

// repairEffort is the number of regroups (redraws of two or three
// neighbouring grids, about 3n/k blocks each) the repair of a plan of k
// grids may try in all its rounds: 4 a grid, so the repair costs about
// as much as drawing the plan a few times over, whatever the tolerance.
func repairEffort(k int) int { return 4*k + 16 }

// polish improves the shape of the grids [p0, p1) of verts by local
// moves and annealing. When the repair left grids outside their window
// (the tolerance cannot be met, or not within the effort), those grids
// get the window of the worst deviation d the repair reached, target ± d,
// for the duration: the shape phase then neither raises the maximum
// deviation nor takes a grid out of its window, but no longer trades
// shape for balance that cannot be had.
func (e *engine) polish(verts []int32, p0, p1 int32, passes int) {
	bad := e.outOfBounds(p0, p1)
	var d float64
	for _, p := range bad {
		d = math.Max(d, math.Abs(e.parts[p].w-e.parts[p].target))
	}
	wins := make([]window, len(bad))
	for i, p := range bad {
		ps := &e.parts[p]
		wins[i], ps.win = ps.win, window{math.Min(ps.win.lo, ps.target-d), math.Max(ps.win.hi, ps.target+d)}
	}
	e.localSearch(verts, p0, p1, passes)
	e.anneal(verts, p0, p1, annealSteps(len(verts)), 0.02, 1e-4)
	for i, p := range bad {
		e.parts[p].win = wins[i]
	}
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
