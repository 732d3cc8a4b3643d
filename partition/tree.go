package partition

import (
	"cmp"
	"math"
	"slices"
)

// moments are the additive figures of a set of blocks: weight, area and
// the first and second moments of area, from which the set's centroid
// and its polar moment of inertia follow.
type moments struct {
	w, a, sx, sy, m float64
}

func (s *moments) add(t moments) {
	s.w, s.a, s.sx, s.sy, s.m = s.w+t.w, s.a+t.a, s.sx+t.sx, s.sy+t.sy, s.m+t.m
}

func (s moments) minus(t moments) moments {
	return moments{s.w - t.w, s.a - t.a, s.sx - t.sx, s.sy - t.sy, s.m - t.m}
}

// roundness is A²/(2πI), the area over the polar moment of inertia about
// the centroid, scaled to 1 for a disc: a compactness measure that, unlike
// the perimeter, adds up over a spanning tree.
func (s moments) roundness() float64 {
	if s.a <= 0 {
		return 0
	}
	i := s.m - (s.sx*s.sx+s.sy*s.sy)/s.a
	if i <= 0 {
		return 1
	}
	return math.Min(1, s.a*s.a/(2*math.Pi*i))
}

// blockMoments returns the moments of block v (second moment about the
// projection origin).
func (e *engine) blockMoments(v int32) moments {
	g := e.g
	a := g.area[v]
	return moments{w: e.w[v], a: a, sx: a * g.cx[v], sy: a * g.cy[v],
		m: g.moment[v] + a*(g.cx[v]*g.cx[v]+g.cy[v]*g.cy[v])}
}

// window is the weight range a set of k grids may take.
type window struct{ lo, hi float64 }

func (w window) times(k int) window { return window{w.lo * float64(k), w.hi * float64(k)} }

// outside is how far x lies outside the window (0 inside).
func (w window) outside(x float64) float64 {
	return math.Max(0, w.lo-x) + math.Max(0, x-w.hi)
}

// cut is a split of a vertex set along one spanning-tree edge.
type cut struct {
	side []bool // side[i]: verts[i] goes with the first k1 grids
	pen  float64
	fit  float64
}

func (c cut) better(d cut) bool {
	if c.pen != d.pen {
		return c.pen < d.pen
	}
	return c.fit > d.fit
}

// bisect splits verts (a connected set) into two connected sets for k1 and
// k2 grids of weight window per, by cutting one edge of a random minimum
// spanning tree. Of the tree edges that leave each side at least as many
// blocks as grids (a block heavy enough for two grids can still hold only
// one), it takes the one whose sides fall closest to their windows and,
// among those, the roundest sides; it draws up to tries trees and stops
// once a cut fits, after half of them for small sets (where the choice of
// tree shapes the grids most).
func (e *engine) bisect(verts []int32, k1, k2 int, per window, tries int) cut {
	n := len(verts)
	for i, v := range verts {
		e.loc[v] = int32(i)
	}
	defer func() {
		for _, v := range verts {
			e.loc[v] = -1
		}
	}()
	edges := e.edges[:0]
	for i, v := range verts {
		for _, u := range e.g.adj[v] {
			if j := e.loc[u]; j > int32(i) {
				edges = append(edges, edge{int32(i), j, 0})
			}
		}
	}
	best := cut{pen: math.Inf(1)}
	dsu := make([]int32, n)
	tadj := make([][]int32, n)
	parent := make([]int32, n)
	order := make([]int32, 0, n)
	sub := make([]moments, n)
	size := make([]int32, n) // blocks in the subtree of each vertex
	for try := 0; try < tries && !e.stopped(); try++ {
		for i := range edges {
			edges[i].r = e.rng.Uint32()
		}
		e.sortScratch = radixSort(edges, e.sortScratch, e.radixCount)
		for i := range dsu {
			dsu[i] = int32(i)
			tadj[i] = tadj[i][:0]
		}
		for _, ed := range edges {
			a, b := find(dsu, ed.u), find(dsu, ed.v)
			if a == b {
				continue
			}
			dsu[a] = b
			tadj[ed.u] = append(tadj[ed.u], ed.v)
			tadj[ed.v] = append(tadj[ed.v], ed.u)
		}
		order = order[:0]
		order = append(order, 0)
		parent[0] = -1
		for h := 0; h < len(order); h++ {
			x := order[h]
			for _, y := range tadj[x] {
				if y != parent[x] {
					parent[y] = x
					order = append(order, y)
				}
			}
		}
		for i := range sub {
			sub[i], size[i] = e.blockMoments(verts[i]), 1
		}
		for h := n - 1; h > 0; h-- {
			x := order[h]
			sub[parent[x]].add(sub[x])
			size[parent[x]] += size[x]
		}
		total := sub[0]
		w1, w2 := aim(per, k1, k2, total.w), aim(per, k2, k1, total.w)
		bestX, bestSwap := int32(-1), false
		cur := cut{pen: math.Inf(1)}
		for h := 1; h < n; h++ {
			x := order[h]
			in, out := sub[x], total.minus(sub[x])
			for _, swap := range []bool{false, true} {
				a, b := w1, w2
				na, nb := k1, k2
				if swap {
					a, b = w2, w1
					na, nb = k2, k1
				}
				if int(size[x]) < na || n-int(size[x]) < nb {
					continue // a side with fewer blocks than its grids
				}
				c := cut{pen: a.outside(in.w) + b.outside(out.w), fit: in.roundness() + out.roundness()}
				if c.better(cur) {
					cur, bestX, bestSwap = c, x, swap
				}
				if k1 == k2 {
					break
				}
			}
		}
		if bestX < 0 || !cur.better(best) {
			continue
		}
		// Mark the subtree of bestX: it lies after bestX in BFS order and
		// its members reach bestX through their parents.
		cur.side = make([]bool, n)
		inSub := make([]bool, n)
		inSub[bestX] = true
		for _, x := range order {
			if x != bestX && parent[x] >= 0 && inSub[parent[x]] {
				inSub[x] = true
			}
		}
		for i := range cur.side {
			cur.side[i] = inSub[i] != bestSwap
		}
		best = cur
		if best.pen == 0 && (try+1 >= tries/2 || n > 300) {
			break
		}
	}
	e.edges = edges[:0] // keep the grown buffer for the next call
	return best
}

// aimSlack is how far (a fraction) the weight of one side of a cut may
// stray from its share of the total, so that both sides stay divisible
// into grids within the window further down.
const aimSlack = 0.05

// aim is the window for the side of a cut that gets k of the k+other
// grids of a set weighing total: within the window of k grids and within
// aimSlack of its proportional share (the window alone is too loose for
// bounds mode, where a side at the top of its window leaves every one of
// its grids at the very top).
func aim(per window, k, other int, total float64) window {
	w := per.times(k)
	share := total * float64(k) / float64(k+other)
	w.lo = math.Max(w.lo, share*(1-aimSlack))
	w.hi = math.Min(w.hi, share*(1+aimSlack))
	if w.lo > w.hi {
		w.lo, w.hi = share, share
	}
	return w
}

// edge is a graph edge between local vertices with a random rank.
type edge struct {
	u, v int32
	r    uint32
}

// radixSort sorts edges by rank, large sets in two 16-bit passes (linear
// time, which keeps each bisection linear), and returns the scratch
// buffer for reuse; count is scratch for the digit counts.
func radixSort(edges, tmp []edge, count *[1 << 16]int) []edge {
	if len(edges) < 1<<12 {
		slices.SortFunc(edges, func(a, b edge) int { return cmp.Compare(a.r, b.r) })
		return tmp
	}
	if cap(tmp) < len(edges) {
		tmp = make([]edge, len(edges))
	}
	tmp = tmp[:len(edges)]
	src, dst := edges, tmp
	for shift := uint(0); shift < 32; shift += 16 {
		clear(count[:])
		for _, e := range src {
			count[(e.r>>shift)&0xffff]++
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, e := range src {
			k := (e.r >> shift) & 0xffff
			dst[count[k]] = e
			count[k]++
		}
		src, dst = dst, src
	}
	return tmp
}

func find(dsu []int32, x int32) int32 {
	for dsu[x] != x {
		dsu[x] = dsu[dsu[x]]
		x = dsu[x]
	}
	return x
}
