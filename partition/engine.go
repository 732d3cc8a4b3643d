package partition

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// engine holds the working state of one Draw or Redraw: the graph, block
// weights, the grid of every block and each grid's running figures.
type engine struct {
	g     *graph
	w     []float64         // weights, an island's added to the block it is glued to
	w0    []float64         // the blocks' own weights
	glued map[int32][]int32 // islands that follow a block into its grid
	rng   *rand.Rand
	ctx   context.Context // the caller's; nil or cancelled ends the long loops early
	part  []int32         // grid of each block, -1 while unassigned
	loc   []int32         // scratch: local index of a block inside bisect, else -1
	stamp []int32         // scratch: BFS visit marks
	epoch int32
	parts []partState

	// Scratch of bisect, kept between calls: edges of the current set,
	// the radix sort's second buffer and its digit counts.
	edges       []edge
	sortScratch []edge
	radixCount  *[1 << 16]int
}

// partState is the running state of one grid under construction.
type partState struct {
	w, area, perim float64
	n              int
	win            window
	target         float64
}

func newEngine(g *graph, w []float64, seed uint64) *engine {
	n := len(w)
	e := &engine{g: g, w: slices.Clone(w), w0: w, glued: map[int32][]int32{}, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		part: make([]int32, n), loc: make([]int32, n), stamp: make([]int32, n), radixCount: new([1 << 16]int)}
	for i := range n {
		e.part[i], e.loc[i] = -1, -1
	}
	return e
}

// newPart opens a grid with the given window and returns its index.
func (e *engine) newPart(win window, target float64) int32 {
	e.parts = append(e.parts, partState{win: win, target: target})
	return int32(len(e.parts) - 1)
}

// assign puts block v into grid p (v must be unassigned), updating the
// grid's weight, area and perimeter.
func (e *engine) assign(v, p int32) {
	ps := &e.parts[p]
	ps.w += e.w[v]
	ps.area += e.g.area[v]
	ps.perim += e.g.perim[v] - 2*e.sharedWith(v, p)
	ps.n++
	e.part[v] = p
}

// unassign takes block v out of its grid.
func (e *engine) unassign(v int32) {
	p := e.part[v]
	ps := &e.parts[p]
	e.part[v] = -1
	ps.w -= e.w[v]
	ps.area -= e.g.area[v]
	ps.perim -= e.g.perim[v] - 2*e.sharedWith(v, p)
	ps.n--
}

// sharedWith is the boundary length block v shares with grid p (v itself
// excluded).
func (e *engine) sharedWith(v, p int32) float64 {
	var s float64
	for k, u := range e.g.adj[v] {
		if e.part[u] == p && u != v {
			s += e.g.shared[v][k]
		}
	}
	return s
}

// split divides the connected set verts into k grids of weight window per
// and returns the new grid indices.
func (e *engine) split(verts []int32, k int, per window, target float64) []int32 {
	var out []int32
	for _, set := range e.carve(verts, k, per) {
		p := e.newPart(per, target)
		for _, v := range set {
			e.assign(v, p)
		}
		out = append(out, p)
	}
	return out
}

// carve cuts the connected set verts into k connected sets for grids of
// weight window per, by recursive spanning-tree bisection.
func (e *engine) carve(verts []int32, k int, per window) [][]int32 {
	if k <= 1 || len(verts) <= 1 || e.stopped() {
		return [][]int32{verts}
	}
	k1 := k / 2
	k2 := k - k1
	tries := 2
	if len(verts) < 5000 {
		tries = 12
	}
	c := e.bisect(verts, k1, k2, per, tries)
	if c.side == nil { // fewer blocks than grids: no cut leaves each side enough
		return [][]int32{verts}
	}
	var a, b []int32
	for i, v := range verts {
		if c.side[i] {
			a = append(a, v)
		} else {
			b = append(b, v)
		}
	}
	return append(e.carve(a, k1, per), e.carve(b, k2, per)...)
}

// stopped reports whether the caller has given up (its context is done).
// Every long loop asks between bounded steps — a spanning tree in bisect,
// a cut in tryGroup, a grid in regroup, a pass of local moves, 4,096
// annealing moves — and ends at once, leaving a plan the callers discard
// when ctx.Err() is set; so a cancelled Draw returns after at most one
// such step per level of the call stack.
func (e *engine) stopped() bool {
	return e.ctx != nil && e.ctx.Err() != nil
}

// pp is the Polsby-Popper score 4πA/P² of an area and perimeter.
func pp(area, perim float64) float64 {
	if perim <= 0 {
		return 0
	}
	return 4 * math.Pi * area / (perim * perim)
}

// shapeScale puts shape on the scale of Polsby-Popper itself near the
// scores plans reach (d shape ≈ 0.7 d PP at PP 0.45), which the annealing
// temperatures are set for.
const shapeScale = 0.3

// shape is the compactness term the search maximises, summed over grids:
// the logarithm of Polsby-Popper, so the sum is the log of the geometric
// mean. Compared with the plain sum it lifts the worst grids rather than
// polishing the best (on Providence, k = 15, seeds 1–3, 400 moves a
// block: min PP 0.25–0.32 instead of 0.14–0.23 at a similar mean).
func shape(area, perim float64) float64 {
	return shapeScale * math.Log(math.Max(pp(area, perim), 1e-6))
}

// connectedWithout reports whether grid p stays connected when block v
// leaves it: every neighbour of v in p must reach the first one without
// passing through v. The search stops as soon as all are found.
func (e *engine) connectedWithout(v int32) bool {
	p := e.part[v]
	var first int32 = -1
	need := 0
	e.epoch++
	for _, u := range e.g.adj[v] {
		if e.part[u] == p && e.stamp[u] != -e.epoch {
			e.stamp[u] = -e.epoch // a target, not yet reached
			need++
			if first < 0 {
				first = u
			}
		}
	}
	if need <= 1 {
		return true
	}
	e.stamp[v] = e.epoch
	e.stamp[first] = e.epoch
	need--
	queue := []int32{first}
	for len(queue) > 0 && need > 0 {
		x := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for _, u := range e.g.adj[x] {
			if e.part[u] != p || e.stamp[u] == e.epoch {
				continue
			}
			if e.stamp[u] == -e.epoch {
				need--
			}
			e.stamp[u] = e.epoch
			queue = append(queue, u)
		}
	}
	return need == 0
}
