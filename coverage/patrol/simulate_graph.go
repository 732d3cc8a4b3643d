package patrol

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"wangge/geo"
)

// roadGraph is the walkable network in plane metres: nodes are road
// vertices (vertices within 0.1 m are one node), edges join consecutive
// vertices of a road.
type roadGraph struct {
	proj  geo.Projection
	nodes []orb.Point // plane coordinates
	adj   [][]int
}

// newRoadGraph builds the graph of roads, keeping the edges whose
// midpoint lies inside area when area is not empty, and then only the
// largest connected part, so that a walker can reach every node.
func newRoadGraph(roads []orb.LineString, area orb.MultiPolygon) roadGraph {
	b := orb.MultiLineString(roads).Bound()
	if len(area) > 0 {
		b = area.Bound()
	}
	g := roadGraph{proj: geo.NewProjection(b.Center())}
	ids := map[[2]int64]int{}
	node := func(p orb.Point) int {
		xy := g.proj.Forward(p)
		k := [2]int64{int64(math.Round(xy[0] * 10)), int64(math.Round(xy[1] * 10))}
		if id, ok := ids[k]; ok {
			return id
		}
		ids[k] = len(g.nodes)
		g.nodes = append(g.nodes, xy)
		g.adj = append(g.adj, nil)
		return len(g.nodes) - 1
	}
	for _, r := range roads {
		for i := 1; i < len(r); i++ {
			if len(area) > 0 && !planar.MultiPolygonContains(area, orb.Point{(r[i-1][0] + r[i][0]) / 2, (r[i-1][1] + r[i][1]) / 2}) {
				continue
			}
			a, c := node(r[i-1]), node(r[i])
			if a == c {
				continue
			}
			g.adj[a] = append(g.adj[a], c)
			g.adj[c] = append(g.adj[c], a)
		}
	}
	g.keepLargestPart()
	return g
}

// keepLargestPart drops every node outside the largest connected part and
// renumbers the rest in their old order.
func (g *roadGraph) keepLargestPart() {
	part := make([]int, len(g.nodes))
	for i := range part {
		part[i] = -1
	}
	best, bestSize, parts := -1, 0, 0
	for s := range g.nodes {
		if part[s] >= 0 || len(g.adj[s]) == 0 {
			continue
		}
		size, stack := 0, []int{s}
		part[s] = parts
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			size++
			for _, m := range g.adj[n] {
				if part[m] < 0 {
					part[m] = parts
					stack = append(stack, m)
				}
			}
		}
		if size > bestSize {
			best, bestSize = parts, size
		}
		parts++
	}
	renum := make([]int, len(g.nodes))
	var nodes []orb.Point
	for i := range g.nodes {
		renum[i] = -1
		if part[i] == best && best >= 0 {
			renum[i] = len(nodes)
			nodes = append(nodes, g.nodes[i])
		}
	}
	adj := make([][]int, len(nodes))
	for i, ns := range g.adj {
		if renum[i] < 0 {
			continue
		}
		for _, m := range ns {
			adj[renum[i]] = append(adj[renum[i]], renum[m])
		}
		slices.Sort(adj[renum[i]])
		adj[renum[i]] = slices.Compact(adj[renum[i]])
	}
	g.nodes, g.adj = nodes, adj
}

// nearBuildings lists, for each node, the buildings (plane coordinates)
// within reach metres of it.
func (g *roadGraph) nearBuildings(buildings []orb.Point, reach float64) [][]orb.Point {
	near := make([][]orb.Point, len(g.nodes))
	for _, b := range buildings {
		xy := g.proj.Forward(b)
		for i, n := range g.nodes {
			if math.Hypot(n[0]-xy[0], n[1]-xy[1]) <= reach {
				near[i] = append(near[i], xy)
			}
		}
	}
	return near
}
