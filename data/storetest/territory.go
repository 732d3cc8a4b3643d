package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"

	"wangge/data"
	"wangge/partition"
)

func blockCRUD(e *env, items []partition.Block) crud[partition.Block, partition.BlockID] {
	return crud[partition.Block, partition.BlockID]{
		kind: "block", items: items,
		id:  func(b partition.Block) partition.BlockID { return b.ID },
		put: e.s.PutBlocks, get: e.s.Block, del: e.s.DeleteBlock,
		list: func(ctx context.Context) ([]partition.Block, error) { return e.s.Blocks(ctx, data.BlockQuery{}) },
		change: func(b partition.Block) partition.Block {
			b.Name, b.Households, b.Attrs = "renamed", b.Households+7, map[string]string{"ward": "99", "note": "改"}
			b.Geometry = box(-71.5, 41.8, -71.49, 41.81)
			return b
		},
		geom: func(b partition.Block) orb.Geometry { return b.Geometry },
		strip: func(b partition.Block) partition.Block {
			b.Geometry = nil
			if len(b.Attrs) == 0 {
				b.Attrs = nil
			}
			return b
		},
	}
}

func testAreas(e *env) {
	c := crud[partition.Area, partition.AreaID]{
		kind: "area",
		items: []partition.Area{
			{ID: "440700", Name: "District", Level: partition.LevelDistrict, Code: "440700", Geometry: box(-71.48, 41.78, -71.38, 41.86)},
			{ID: "440700001", Name: "街道", Level: partition.LevelStreet, Parent: "440700", Code: "440700001", Geometry: box(-71.44, 41.80, -71.40, 41.84)},
		},
		id:  func(a partition.Area) partition.AreaID { return a.ID },
		put: e.s.PutAreas, get: e.s.Area, del: e.s.DeleteArea, list: e.s.Areas,
		change: func(a partition.Area) partition.Area {
			a.Name, a.Level, a.Geometry = "renamed", partition.LevelCommunity, box(0, 0, 1, 1)
			return a
		},
		geom:  func(a partition.Area) orb.Geometry { return a.Geometry },
		strip: func(a partition.Area) partition.Area { a.Geometry = nil; return a },
	}
	c.run(e)
	err := e.s.PutAreas(e.ctx, []partition.Area{{ID: "x", Level: "planet", Geometry: box(0, 0, 1, 1)}})
	mustRejected(e.t, "area of unknown level", err, 0)
}

func testBlocks(e *env) {
	blockCRUD(e, providence(e.t)).run(e)
}

// testReplaceBlocks replaces two of three blocks, the buildings of a
// removed block going with it, and checks that a bad block in the change
// leaves the store as it was.
func testReplaceBlocks(e *env) {
	blocks := []partition.Block{{ID: "a", Geometry: box(0, 0, 1, 1)}, {ID: "b", Geometry: box(1, 0, 2, 1)}, {ID: "c", Geometry: box(2, 0, 3, 1)}}
	if err := e.s.PutBlocks(e.ctx, blocks); err != nil {
		e.t.Fatal(err)
	}
	if err := e.s.PutBuildings(e.ctx, []partition.Building{{ID: "h", Block: "a", Geometry: box(0.1, 0.1, 0.2, 0.2)}}); err != nil {
		e.t.Fatal(err)
	}
	ids := func() []partition.BlockID {
		got, err := e.s.Blocks(e.ctx, data.BlockQuery{})
		if err != nil {
			e.t.Fatal(err)
		}
		var out []partition.BlockID
		for _, b := range got {
			out = append(out, b.ID)
		}
		return out
	}
	bad := []partition.Block{{ID: "d", Geometry: box(0, 0, 2, 1)}, {ID: ""}}
	mustRejected(e.t, "a change with a block without id", e.s.ReplaceBlocks(e.ctx, []partition.BlockID{"a", "b"}, bad), 1)
	if got := ids(); !slices.Equal(got, []partition.BlockID{"a", "b", "c"}) {
		e.t.Fatalf("a refused change left blocks %v", got)
	}
	if err := e.s.ReplaceBlocks(e.ctx, []partition.BlockID{"a", "b", "nope"}, bad[:1]); err != nil {
		e.t.Fatal(err)
	}
	if got := ids(); !slices.Equal(got, []partition.BlockID{"c", "d"}) {
		e.t.Errorf("blocks after the change %v, want [c d]", got)
	}
	if _, err := e.s.Building(e.ctx, "h"); !errors.Is(err, data.ErrNotFound) {
		e.t.Errorf("the building of a removed block: %v, want ErrNotFound", err)
	}
}

// lShape is a block whose envelope covers the box notch while the block
// itself does not: a bbox query must test the geometry, not the envelope.
var (
	lShape = partition.Block{ID: "L", Kind: "campus", Geometry: orb.MultiPolygon{{{
		{10, 10}, {12, 10}, {12, 11}, {11, 11}, {11, 12}, {10, 12}, {10, 10},
	}}}}
	notch = orb.Bound{Min: orb.Point{11.5, 11.5}, Max: orb.Point{11.9, 11.9}}
)

func testBlocksBBox(e *env) {
	t := e.t
	blocks := providence(t)
	must(t, "put blocks", e.s.PutBlocks(e.ctx, append(slices.Clone(blocks), lShape)))

	var all orb.Bound
	for i, b := range blocks {
		if i == 0 {
			all = b.Geometry.Bound()
		}
		all = all.Union(b.Geometry.Bound())
	}
	c, w, h := all.Center(), all.Right()-all.Left(), all.Top()-all.Bottom()
	cases := []boxCase{
		{"centre", orb.Bound{Min: orb.Point{c[0] - w/7, c[1] - h/7}, Max: orb.Point{c[0] + w/5, c[1] + h/6}}},
		{"west half", orb.Bound{Min: all.Min, Max: orb.Point{c[0] + 1e-7, all.Max[1]}}},
		{"everything", all.Pad(1e-6)},
	}
	// The referee is orb's polygon clipping: a block intersects the box
	// when its clip against the box keeps some area or edge.
	checkBoxes(t, "block", cases, blocks, func(b partition.Block) partition.BlockID { return b.ID },
		func(box orb.Bound, b partition.Block) bool { return len(clip.MultiPolygon(box, b.Geometry)) > 0 },
		func(box orb.Bound) ([]partition.Block, error) {
			return e.s.Blocks(e.ctx, data.BlockQuery{BBoxQuery: data.BBoxQuery{BBox: &box}})
		})
	got, err := e.s.Blocks(e.ctx, data.BlockQuery{BBoxQuery: data.BBoxQuery{BBox: &notch}})
	must(t, "notch", err)
	if len(got) != 0 {
		t.Fatalf("a box in the notch of an L-shaped block returned %v; only its envelope meets the box", blockIDs(got))
	}
	corner := orb.Bound{Min: orb.Point{10.5, 11.5}, Max: orb.Point{10.6, 13}}
	got, err = e.s.Blocks(e.ctx, data.BlockQuery{BBoxQuery: data.BBoxQuery{BBox: &corner}})
	must(t, "arm", err)
	if ids := blockIDs(got); !slices.Equal(ids, []partition.BlockID{"L"}) {
		t.Fatalf("a box over the arm of the L returned %v, want [L]", ids)
	}
}

func blockIDs(bs []partition.Block) []partition.BlockID {
	ids := make([]partition.BlockID, len(bs))
	for i, b := range bs {
		ids[i] = b.ID
	}
	return ids
}

func testBlocksPaging(e *env) {
	t := e.t
	blocks := providence(t)
	must(t, "put blocks", e.s.PutBlocks(e.ctx, blocks))
	for _, limit := range []int{1, 7, sampleSize, sampleSize + 5} {
		t.Run(fmt.Sprint("limit ", limit), func(t *testing.T) {
			var got []partition.BlockID
			after := ""
			for page := 0; ; page++ {
				if page > sampleSize+1 {
					t.Fatal("paging does not end")
				}
				bs, err := e.s.Blocks(e.ctx, data.BlockQuery{BBoxQuery: data.BBoxQuery{After: after, Limit: limit}})
				must(t, "page", err)
				if len(bs) > limit {
					t.Fatalf("page of %d blocks, limit %d", len(bs), limit)
				}
				if len(bs) == 0 {
					break
				}
				got = append(got, blockIDs(bs)...)
				after = string(bs[len(bs)-1].ID)
			}
			if want := blockIDs(blocks); !slices.Equal(got, want) {
				t.Fatalf("pages gave %v, want %v", got, want)
			}
		})
	}
}

func testBlocksParent(e *env) {
	t := e.t
	blocks := providence(t)
	must(t, "put blocks", e.s.PutBlocks(e.ctx, blocks))
	byParent := map[partition.AreaID][]partition.BlockID{}
	for _, b := range blocks {
		byParent[b.Parent] = append(byParent[b.Parent], b.ID)
	}
	if len(byParent) < 2 {
		t.Fatalf("the sample has %d parents; the test needs two or more", len(byParent))
	}
	for _, parent := range slices.Sorted(maps.Keys(byParent)) {
		got, err := e.s.Blocks(e.ctx, data.BlockQuery{Parent: parent})
		must(t, string(parent), err)
		if ids := blockIDs(got); !slices.Equal(ids, byParent[parent]) {
			t.Fatalf("parent %s: blocks %v, want %v", parent, ids, byParent[parent])
		}
	}
}

func testBuildings(e *env) {
	// Buildings on a 4×4 lattice of 0.1° squares 0.2° apart.
	var items []partition.Building
	for i := range 4 {
		for j := range 4 {
			x, y := 120+0.2*float64(i), 30+0.2*float64(j)
			items = append(items, partition.Building{
				ID: partition.BuildingID(fmt.Sprintf("b%d%d", i, j)), Block: "blk", Kind: "residential",
				Levels: i + 1, Households: 10 * j, Geometry: box(x, y, x+0.1, y+0.1),
			})
		}
	}
	c := crud[partition.Building, partition.BuildingID]{
		kind: "building", items: items,
		id:  func(b partition.Building) partition.BuildingID { return b.ID },
		put: e.s.PutBuildings, get: e.s.Building, del: e.s.DeleteBuilding,
		list: func(ctx context.Context) ([]partition.Building, error) { return e.s.Buildings(ctx, data.BBoxQuery{}) },
		change: func(b partition.Building) partition.Building {
			b.Levels, b.Kind = 30, "office"
			return b
		},
		geom:  func(b partition.Building) orb.Geometry { return b.Geometry },
		strip: func(b partition.Building) partition.Building { b.Geometry = nil; return b },
	}
	c.run(e) // deletes b00
	// A box from (120.05, 30.05) to (120.25, 30.45) meets columns i=0,1 and rows j=0,1,2.
	q := orb.Bound{Min: orb.Point{120.05, 30.05}, Max: orb.Point{120.25, 30.45}}
	got, err := e.s.Buildings(e.ctx, data.BBoxQuery{BBox: &q})
	must(e.t, "buildings in box", err)
	var ids []partition.BuildingID
	for _, b := range got {
		ids = append(ids, b.ID)
	}
	if want := []partition.BuildingID{"b01", "b02", "b10", "b11", "b12"}; !slices.Equal(ids, want) {
		e.t.Fatalf("buildings in box: %v, want %v", ids, want)
	}
}

func samplePlan(id partition.PlanID, created time.Time, blocks []partition.Block) partition.Plan {
	p := partition.Plan{ID: id, Name: "plan " + string(id), Status: partition.PlanDraft,
		Params: map[string]string{"min": "150", "max": "500"}, Created: created}
	for i := range 3 {
		b := blocks[i]
		p.Grids = append(p.Grids, partition.Grid{
			ID: partition.GridID(fmt.Sprintf("440700001001%03d", 3-i)), Plan: id, Kind: partition.Basic,
			Blocks: []partition.BlockID{b.ID}, Weight: float64(b.Population), Parent: "tract",
			Locked: i == 1, Flags: []string{"undersize"}, AreaM2: 1234.5, PerimeterM: 140.25,
			PolsbyPopper: 0.5, HullRatio: 0.75, Geometry: b.Geometry,
		})
	}
	p.Grids[2].Kind, p.Grids[2].Flags = partition.Dedicated, nil
	return p
}
