package partition

import "math"

// anneal improves the shape of grids [p0, p1) by simulated annealing over
// single boundary-block moves: iters attempts, the temperature falling
// geometrically from t0 to t1. A move must keep both grids inside their
// windows (or, for a grid already outside, not push it further out) and
// must not break the grid it leaves; a move that lowers Σ Polsby-Popper
// by d is taken with probability exp(-d/T). The best plan met is kept.
func (e *engine) anneal(verts []int32, p0, p1 int32, iters int, t0, t1 float64) {
	if len(verts) < 2 || p1-p0 < 2 {
		return
	}
	score := func() float64 {
		var s float64
		for p := p0; p < p1; p++ {
			s += pp(e.parts[p].area, e.parts[p].perim)
		}
		return s
	}
	cur := score()
	best, bestPart := cur, e.snapshot(verts)
	cool := math.Pow(t1/t0, 1/float64(iters))
	temp := t0
	var buf []nb
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
		buf = e.neighbourParts(v, p0, p1, buf)
		var sA, sB float64
		for _, x := range buf {
			switch x.p {
			case a:
				sA = x.shared
			case b:
				sB = x.shared
			}
		}
		av, pv := e.g.area[v], e.g.perim[v]
		gain := pp(pa.area-av, pa.perim-pv+2*sA) + pp(pb.area+av, pb.perim+pv-2*sB) -
			pp(pa.area, pa.perim) - pp(pb.area, pb.perim)
		if gain < 0 && e.rng.Float64() >= math.Exp(gain/temp) {
			continue
		}
		if !e.connectedWithout(v) {
			continue
		}
		e.unassign(v)
		e.assign(v, b)
		cur += gain
		if cur > best+minGain {
			best = cur
			bestPart = e.snapshotInto(verts, bestPart)
		}
	}
	e.restore(verts, p0, p1, bestPart)
}

// snapshot records the grid of every block of verts.
func (e *engine) snapshot(verts []int32) []int32 {
	return e.snapshotInto(verts, make([]int32, len(verts)))
}

func (e *engine) snapshotInto(verts, dst []int32) []int32 {
	for i, v := range verts {
		dst[i] = e.part[v]
	}
	return dst
}

// restore puts the blocks of verts back into the grids a snapshot holds.
func (e *engine) restore(verts []int32, p0, p1 int32, snap []int32) {
	for i, v := range verts {
		if e.part[v] != snap[i] {
			e.unassign(v)
		}
	}
	for i, v := range verts {
		if e.part[v] < 0 {
			e.assign(v, snap[i])
		}
	}
}
