package partition

import "slices"

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
	for pass := 0; pass < maxPasses; pass++ {
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
