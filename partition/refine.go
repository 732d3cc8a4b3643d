package partition

import (
	"math"
	"slices"
)

// Weights of the local-search objective. A block move is judged by the
// change of Σ over the two grids it touches of
//
//	outsideCost·outside/target + spreadCost·((w-target)/target)² - shape
//
// where the spread term is on only while some grid is out of bounds: it
// makes a full grid pass weight on towards a light one, so excess flows
// along chains of grids. outsideCost makes the bounds come first.
const (
	outsideCost = 1e3
	spreadCost  = 100.0
	minGain     = 1e-9
)

func (e *engine) cost(p int32, w, area, perim float64, repair bool) float64 {
	ps := &e.parts[p]
	t := ps.target
	if t <= 0 {
		t = 1
	}
	c := outsideCost*ps.win.outside(w)/t - shape(area, perim)
	if repair {
		d := (w - t) / t
		c += spreadCost * d * d
	}
	return c
}

// outOfBounds returns the grids in [p0, p1) whose weight is outside their
// window (grids left empty by a regroup do not count).
func (e *engine) outOfBounds(p0, p1 int32) []int32 {
	var out []int32
	for p := p0; p < p1; p++ {
		if e.parts[p].n > 0 && e.parts[p].win.outside(e.parts[p].w) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// nb is one neighbouring grid of a block and the boundary it shares with it.
type nb struct {
	p      int32
	shared float64
}

// neighbourParts lists the grids in [p0, p1) around block v, with the
// boundary v shares with each (its own grid included), in grid order.
func (e *engine) neighbourParts(v int32, p0, p1 int32, buf []nb) []nb {
	buf = buf[:0]
	for k, u := range e.g.adj[v] {
		q := e.part[u]
		if q < p0 || q >= p1 {
			continue
		}
		i := 0
		for i < len(buf) && buf[i].p < q {
			i++
		}
		if i == len(buf) || buf[i].p != q {
			buf = slices.Insert(buf, i, nb{p: q})
		}
		buf[i].shared += e.g.shared[v][k]
	}
	return buf
}

// localSearch moves single boundary blocks between the grids [p0, p1) of
// verts while that lowers the objective, never emptying a grid nor
// breaking one apart. It returns the number of moves made.
func (e *engine) localSearch(verts []int32, p0, p1 int32, maxPasses int) int {
	moves := 0
	var buf []nb
	order := slices.Clone(verts)
	for pass := 0; pass < maxPasses && !e.stopped(); pass++ {
		repair := len(e.outOfBounds(p0, p1)) > 0
		e.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		made := 0
		for _, v := range order {
			a := e.part[v]
			if e.parts[a].n <= 1 {
				continue
			}
			buf = e.neighbourParts(v, p0, p1, buf)
			if len(buf) < 2 {
				continue
			}
			var sA float64
			for _, x := range buf {
				if x.p == a {
					sA = x.shared
				}
			}
			pa := &e.parts[a]
			wv, av, pv := e.w[v], e.g.area[v], e.g.perim[v]
			before := e.cost(a, pa.w, pa.area, pa.perim, repair)
			after := e.cost(a, pa.w-wv, pa.area-av, pa.perim-pv+2*sA, repair)
			bestGain, bestP := minGain, int32(-1)
			for _, x := range buf {
				if x.p == a {
					continue
				}
				pb := &e.parts[x.p]
				gain := before + e.cost(x.p, pb.w, pb.area, pb.perim, repair) -
					after - e.cost(x.p, pb.w+wv, pb.area+av, pb.perim+pv-2*x.shared, repair)
				if gain > bestGain {
					bestGain, bestP = gain, x.p
				}
			}
			if bestP < 0 || !e.connectedWithout(v) {
				continue
			}
			e.unassign(v)
			e.assign(v, bestP)
			made++
		}
		moves += made
		if made == 0 || (made*1000 < len(verts) && !repair) {
			break
		}
	}
	return moves
}

// members lists the blocks of each grid in [p0, p1), in the order of verts.
func (e *engine) members(verts []int32, p0, p1 int32) [][]int32 {
	m := make([][]int32, p1-p0)
	for _, v := range verts {
		if p := e.part[v]; p >= p0 && p < p1 {
			m[p-p0] = append(m[p-p0], v)
		}
	}
	return m
}

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
		if it&0xfff == 0 && e.stopped() {
			break
		}
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
