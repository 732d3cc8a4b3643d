package geo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/planar"

	"wangge/data/pgtest"
)

// blockIndex indexes the blocks by id.
func blockIndex(blocks []block) *Index[string] {
	ix := NewIndex[string]()
	for _, bl := range blocks {
		ix.Insert(bl.ID, bl.Geom)
	}
	return ix
}

// randomPoints returns n reproducible points spread over b.
func randomPoints(b orb.Bound, n int, seed uint64) []orb.Point {
	rng := rand.New(rand.NewPCG(seed, 7))
	pts := make([]orb.Point, n)
	for i := range pts {
		pts[i] = orb.Point{
			b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]),
			b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1]),
		}
	}
	return pts
}

// searchAll collects every id Search gives for p.
func searchAll(ix *Index[string], p orb.Point) []string {
	var ids []string
	ix.Search(p, func(id string) bool {
		ids = append(ids, id)
		return true
	})
	return ids
}

func TestIndexSmall(t *testing.T) {
	ix := NewIndex[int]()
	ix.Insert(1, orb.Polygon{square(0, 0, 4), square(1, 1, 1)})          // square with a hole
	ix.Insert(2, orb.MultiPolygon{{square(1, 1, 1)}, {square(5, 0, 1)}}) // fills the hole, and more
	ix.Insert(3, orb.Polygon{square(4, 0, 1)})                           // shares the edge x=4 with 1
	ix.Insert(4, orb.LineString{{0, 0}, {9, 9}})                         // not an area: ignored
	cases := []struct {
		name string
		p    orb.Point
		want []int
	}{
		{"inside 1", orb.Point{0.5, 0.5}, []int{1}},
		{"in the hole, inside 2", orb.Point{1.5, 1.5}, []int{2}},
		{"second part of 2", orb.Point{5.5, 0.5}, []int{2}},
		{"outside", orb.Point{-1, -1}, nil},
		{"shared edge x=4 goes to the polygon on its right", orb.Point{4, 0.5}, []int{3}},
		{"left edge is inside", orb.Point{0, 2}, []int{1}},
		{"top edge is outside", orb.Point{2, 4}, nil},
		{"bottom edge is inside", orb.Point{2, 0}, []int{1}},
	}
	if ix.Len() != 3 {
		t.Errorf("Len = %d, want 3", ix.Len())
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			ix.Search(tc.p, func(id int) bool { got = append(got, id); return true })
			if !slices.Equal(got, tc.want) {
				t.Errorf("Search(%v) = %v, want %v", tc.p, got, tc.want)
			}
			id, ok := ix.Lookup(tc.p)
			if ok != (len(tc.want) > 0) || ok && id != tc.want[0] {
				t.Errorf("Lookup(%v) = %v, %v", tc.p, id, ok)
			}
		})
	}
}

// TestIndexMatchesBruteForce compares Search with orb's planar
// point-in-polygon test on every block, for random points.
func TestIndexMatchesBruteForce(t *testing.T) {
	blocks := loadBlocks(t)
	ix := blockIndex(blocks)
	if ix.Len() != len(blocks) {
		t.Fatalf("Len = %d, want %d", ix.Len(), len(blocks))
	}
	bounds := make([]orb.Bound, len(blocks))
	for i, bl := range blocks {
		bounds[i] = bl.Geom.Bound()
	}
	hits := 0
	for _, p := range randomPoints(blocksBound(blocks), 3000, 1) {
		var want []string
		for i, bl := range blocks {
			if bounds[i].Contains(p) && bruteContains(bl.Geom, p) {
				want = append(want, bl.ID)
			}
		}
		got := searchAll(ix, p)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%v: Search %v, brute force %v", p, got, want)
		}
		hits += len(got)
	}
	if hits < 1000 {
		t.Errorf("only %d of 3000 points fell in a block: the test is not exercising the index", hits)
	}
}

func bruteContains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

// TestIndexSharedEdges puts points exactly on edges that two blocks share:
// each must be found in exactly one block.
func TestIndexSharedEdges(t *testing.T) {
	blocks := loadBlocks(t)
	ix := blockIndex(blocks)
	type seg struct{ a, b orb.Point }
	owner := make(map[seg]string)
	var shared []orb.Point
	for _, bl := range blocks {
		for _, poly := range polygonsOf(bl.Geom) {
			for _, r := range poly {
				for i := 0; i+1 < len(r); i++ {
					if other, ok := owner[seg{r[i+1], r[i]}]; ok && other != bl.ID {
						shared = append(shared, orb.Point{(r[i][0] + r[i+1][0]) / 2, (r[i][1] + r[i+1][1]) / 2})
					}
					owner[seg{r[i], r[i+1]}] = bl.ID
				}
			}
		}
	}
	if len(shared) < 1000 {
		t.Fatalf("only %d points on shared edges: blocks do not share edges as expected", len(shared))
	}
	for _, p := range shared {
		if got := searchAll(ix, p); len(got) != 1 {
			t.Errorf("%v on a shared edge: in %v, want exactly one block", p, got)
		}
	}
}

func polygonsOf(g orb.Geometry) []orb.Polygon {
	switch g := g.(type) {
	case orb.Polygon:
		return []orb.Polygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

// TestIntersectingMatchesPostGIS compares Intersecting with ST_Intersects
// of each block and random small boxes.
func TestIntersectingMatchesPostGIS(t *testing.T) {
	blocks := loadBlocks(t)
	ix := blockIndex(blocks)
	conn := pgtest.Conn(t)
	loadBlocksIntoPostGIS(t, conn, blocks)
	ctx := context.Background()
	for i, c := range randomPoints(blocksBound(blocks), 40, 3) {
		box := orb.Bound{Min: c, Max: orb.Point{c[0] + 0.002*float64(i%4+1), c[1] + 0.0015}}
		var want []string
		err := conn.QueryRow(ctx, `SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM b
			WHERE ST_Intersects(g::geometry, ST_GeomFromText($1, 4326))`, wkt.MarshalString(box.ToPolygon())).Scan(&want)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		ix.Intersecting(box, func(id string) bool { got = append(got, id); return true })
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("box %v: Intersecting %d blocks, PostGIS %d\n got %v\nwant %v", box, len(got), len(want), got, want)
		}
	}
}

// TestIndexConcurrentSearch runs lookups from several goroutines at once
// (run with -race): each must see what a lone caller sees. The lone
// caller's answers come from the R-tree; the grid is built while the
// goroutines run, so its lazy build is raced too.
func TestIndexConcurrentSearch(t *testing.T) {
	blocks := loadBlocks(t)
	ix := blockIndex(blocks)
	pts := randomPoints(blocksBound(blocks), 2000, 9)
	want := make([]string, len(pts))
	for i, p := range pts {
		want[i], _ = ix.lookupTree(p)
	}
	const goroutines = 4
	rounds := int(ix.gridThreshold())/(goroutines*len(pts)) + 2 // the grid is built during the last rounds
	var wg sync.WaitGroup
	errs := make(chan string, goroutines)
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				for i, p := range pts {
					got, _ := ix.Lookup(p)
					n := 1
					if r == 0 {
						n = 0
						ix.Intersecting(orb.Bound{Min: p, Max: p}, func(string) bool { n++; return true })
					}
					if got != want[i] || (got != "" && n == 0) {
						errs <- fmt.Sprintf("%v: Lookup %q, alone %q; Intersecting found %d", p, got, want[i], n)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if ix.grid.Load() == nil {
		t.Error("the grid was not built during the concurrent lookups")
	}
}
