package partition

import "math"

// anneal improves the shape of grids [p0, p1) by simulated annealing over
// single boundary-block moves: iters attempts, the temperature falling
// geometrically from t0 to t1. A move must keep both grids inside their
// windows (or, for a grid already outside, not push it further out) and
// must not break the grid it leaves; a move that lowers Σ shape (log
// Polsby-Popper) by d is taken with probability exp(-d/T). The best plan
// met is kept.
func (e *engine) anneal(verts []int32, p0, p1 int32, iters int, t0, t1 float64) {
	if len(verts) < 2 || p1-p0 < 2 {
		return
	}
	score := func() float64 {
		var s float64
		for p := p0; p < p1; p++ {
			if e.parts[p].n > 0 {
				s += shape(e.parts[p].area, e.parts[p].perim)
			}
		}
		return s
	}
	cur := score()
	best := cur
	// Moves since the best plan met, undone at the end: cheaper than
	// copying the plan at every new best.
	type move struct{ v, from int32 }
	var undo []move
	cool := math.Pow(t1/t0, 1/float64(iters))
	temp := t0
	for it := 0; it < iters; it++ {
		temp *= cool
		v := verts[e.rng.IntN(len(verts))]
		a := e.part[v]
		adj := e.g.adj[v]
		if len(adj) == 0 || e.parts[a].n <= 1 {
			continue
		}
		b := e.part[adj[e.rng.IntN(len(adj))]]
		if b == a || b < p0 || b >= p1 {
			continue
		}
		pa, pb := &e.parts[a], &e.parts[b]
		wv := e.w[v]
		if (pa.win.outside(pa.w-wv) > pa.win.outside(pa.w)) || (pb.win.outside(pb.w+wv) > pb.win.outside(pb.w)) {
			continue
		}
		var sA, sB float64
		for k, u := range adj {
			switch e.part[u] {
			case a:
				sA += e.g.shared[v][k]
			case b:
				sB += e.g.shared[v][k]
			}
		}
		av, pv := e.g.area[v], e.g.perim[v]
		gain := shape(pa.area-av, pa.perim-pv+2*sA) + shape(pb.area+av, pb.perim+pv-2*sB) -
			shape(pa.area, pa.perim) - shape(pb.area, pb.perim)
		if gain < 0 && e.rng.Float64() >= math.Exp(gain/temp) {
			continue
		}
		if !e.connectedWithout(v) {
			continue
		}
		e.unassign(v)
		e.assign(v, b)
		cur += gain
		undo = append(undo, move{v, a})
		if cur > best+minGain {
			best = cur
			undo = undo[:0]
		}
	}
	for i := len(undo) - 1; i >= 0; i-- {
		e.unassign(undo[i].v)
		e.assign(undo[i].v, undo[i].from)
	}
}
