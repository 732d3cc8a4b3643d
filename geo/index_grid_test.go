package geo

import (
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// treeSearchAll collects every id the R-tree path gives for p.
func treeSearchAll[K comparable](ix *Index[K], p orb.Point) []K {
	var ids []K
	ix.searchTree(p, func(id K) bool { ids = append(ids, id); return true })
	return ids
}

// gridSearchAll collects every id Search gives for p once the grid is
// built, failing when there is no grid.
func gridSearchAll[K comparable](t *testing.T, ix *Index[K], p orb.Point) []K {
	t.Helper()
	if ix.grid.Load() == nil {
		t.Fatal("the grid is not built")
	}
	var ids []K
	ix.Search(p, func(id K) bool { ids = append(ids, id); return true })
	return ids
}

// awkwardPoints returns points where a grid answer could go wrong: every
// vertex of the blocks, the middle of every edge, and the corners and side
// middles of the grid's cells.
func awkwardPoints(blocks []block, g *pointGrid[string]) []orb.Point {
	var pts []orb.Point
	for _, bl := range blocks {
		for _, poly := range polygonsOf(bl.Geom) {
			for _, r := range poly {
				for i := 0; i+1 < len(r); i++ {
					pts = append(pts, r[i], orb.Point{(r[i][0] + r[i+1][0]) / 2, (r[i][1] + r[i+1][1]) / 2})
				}
			}
		}
	}
	for cy := 0; cy <= g.rows; cy++ {
		for cx := 0; cx <= g.cols; cx++ {
			x, y := g.min[0]+float64(cx)*g.cellW, g.min[1]+float64(cy)*g.cellH
			pts = append(pts, orb.Point{x, y}, orb.Point{x + g.cellW/2, y}, orb.Point{x, y + g.cellH/2})
		}
	}
	return pts
}

// TestIndexGridMatchesTree checks that the grid answers exactly what the
// R-tree answers, boundaries and vertices included, over the Providence
// blocks.
func TestIndexGridMatchesTree(t *testing.T) {
	blocks := loadBlocks(t)
	ix := blockIndex(blocks)
	g := ix.buildGrid()
	if g == nil {
		t.Fatal("no grid for the Providence blocks")
	}
	coverOnlyCells := 0
	for _, w := range g.cells {
		if w&coverOnly != 0 {
			coverOnlyCells++
		}
	}
	t.Logf("%d×%d cells, %d inside one block, %d list entries", g.cols, g.rows, coverOnlyCells, len(g.entries))
	pts := append(randomPoints(blocksBound(blocks), 20000, 5), awkwardPoints(blocks, g)...)
	for _, p := range pts {
		got, want := gridSearchAll(t, ix, p), treeSearchAll(ix, p)
		if !slices.Equal(got, want) {
			t.Fatalf("%v: grid %v, R-tree %v", p, got, want)
		}
		id, ok := ix.Lookup(p)
		if ok != (len(want) > 0) || ok && id != want[0] {
			t.Fatalf("%v: Lookup %q, %v; R-tree %v", p, id, ok, want)
		}
	}
}

func TestIndexGridSmall(t *testing.T) {
	cases := []struct {
		name  string
		polys []orb.Polygon
		pts   []orb.Point
	}{
		{"one square", []orb.Polygon{{square(0, 0, 2)}},
			[]orb.Point{{0, 0}, {1, 1}, {2, 1}, {1, 2}, {0, 1}, {-1, 1}, {2, 2}}},
		{"square with a hole", []orb.Polygon{{square(0, 0, 4), square(1, 1, 2)}},
			[]orb.Point{{0.5, 0.5}, {2, 2}, {1, 2}, {3, 2}, {3.5, 3.5}}},
		{"flat polygon", []orb.Polygon{{{{0, 0}, {3, 0}, {1, 0}, {0, 0}}}},
			[]orb.Point{{0, 0}, {1, 0}, {3, 0}}},
		{"thin row", []orb.Polygon{{square(0, 0, 1)}, {square(1, 0, 1)}, {square(2, 0, 1)}},
			[]orb.Point{{1, 0.5}, {2, 0}, {2.5, 1}, {0.25, 0.75}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ix := NewIndex[int]()
			for i, p := range tc.polys {
				ix.Insert(i, p)
			}
			if ix.buildGrid() == nil {
				t.Fatal("no grid")
			}
			for _, p := range tc.pts {
				if got, want := gridSearchAll(t, ix, p), treeSearchAll(ix, p); !slices.Equal(got, want) {
					t.Errorf("%v: grid %v, R-tree %v", p, got, want)
				}
			}
		})
	}
}

// TestIndexInsertAfterLookup inserts once the grid is built: the new
// polygon must be found, and the grid must come back after enough queries.
func TestIndexInsertAfterLookup(t *testing.T) {
	ix := NewIndex[int]()
	ix.Insert(1, orb.Polygon{square(0, 0, 1)})
	for range ix.gridThreshold() + 1 {
		ix.Lookup(orb.Point{0.5, 0.5})
	}
	if ix.grid.Load() == nil {
		t.Fatal("no grid after many lookups")
	}
	ix.Insert(2, orb.Polygon{square(1, 0, 1)})
	if ix.grid.Load() != nil {
		t.Fatal("Insert kept the old grid")
	}
	for range ix.gridThreshold() + 1 {
		if id, ok := ix.Lookup(orb.Point{1.5, 0.5}); !ok || id != 2 {
			t.Fatalf("Lookup in the new square = %d, %v", id, ok)
		}
	}
	if ix.grid.Load() == nil {
		t.Fatal("no grid after lookups following the Insert")
	}
	if id, ok := ix.Lookup(orb.Point{1.5, 0.5}); !ok || id != 2 {
		t.Fatalf("Lookup through the new grid = %d, %v", id, ok)
	}
}

// TestIndexGridOverlapping stacks polygons that all cover the same area:
// the index keeps to the R-tree and still answers correctly.
func TestIndexGridOverlapping(t *testing.T) {
	ix := NewIndex[int]()
	const n = 200
	for i := range n {
		ix.Insert(i, orb.Polygon{square(float64(i)*0.01, 0, 10)})
	}
	if ix.buildGrid() != nil {
		t.Fatal("built a grid for heavily overlapping polygons")
	}
	got := 0
	ix.Search(orb.Point{5, 5}, func(int) bool { got++; return true })
	if got != n {
		t.Errorf("(5, 5) is in %d polygons, want %d", got, n)
	}
}

func TestIndexLookupAllocs(t *testing.T) {
	blocks := loadBlocks(t)
	ix := blockIndex(blocks)
	ix.buildGrid()
	pts := randomPoints(blocksBound(blocks), 100, 6)
	i := 0
	if a := testing.AllocsPerRun(1000, func() { ix.Lookup(pts[i%len(pts)]); i++ }); a != 0 {
		t.Errorf("Lookup allocates %.1f times", a)
	}
}
