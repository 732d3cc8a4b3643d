package partition_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"wangge/partition"
)

// stripPlan is a 4×1 strip of blocks b0_0…b3_0 (10 households each) in
// two grids: A = b0, b1 and B = b2, b3.
func stripPlan(t *testing.T) (*partition.Editor, []partition.Grid) {
	t.Helper()
	blocks := mosaic(4, 1, hh(10))
	grids := []partition.Grid{
		{ID: "A", Kind: partition.Basic, Blocks: []partition.BlockID{"b0_0", "b1_0"}},
		{ID: "B", Kind: partition.Basic, Blocks: []partition.BlockID{"b2_0", "b3_0"}},
	}
	ed, err := partition.NewEditor(blocks, grids, partition.Options{Weight: "hh", Min: 10, Max: 30})
	if err != nil {
		t.Fatal(err)
	}
	return ed, grids
}

func blocksOf(gs []partition.Grid, id partition.GridID) []partition.BlockID {
	for _, g := range gs {
		if g.ID == id {
			return g.Blocks
		}
	}
	return nil
}

func TestMoveAndLock(t *testing.T) {
	tests := []struct {
		name   string
		lock   []partition.GridID
		block  partition.BlockID
		to     partition.GridID
		err    error
		wantA  []partition.BlockID
		wantB  []partition.BlockID
		weight float64 // of B
	}{
		{"move across the boundary", nil, "b1_0", "B", nil, []partition.BlockID{"b0_0"}, []partition.BlockID{"b1_0", "b2_0", "b3_0"}, 30},
		{"source locked", []partition.GridID{"A"}, "b1_0", "B", partition.ErrLocked, nil, nil, 0},
		{"target locked", []partition.GridID{"B"}, "b1_0", "B", partition.ErrLocked, nil, nil, 0},
		{"unknown block", nil, "nope", "B", partition.ErrBlockNotFound, nil, nil, 0},
		{"unknown grid", nil, "b1_0", "Z", partition.ErrGridNotFound, nil, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ed, _ := stripPlan(t)
			if err := ed.Lock(true, tc.lock...); err != nil {
				t.Fatal(err)
			}
			err := ed.Move(tc.block, tc.to)
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if tc.err != nil {
				return
			}
			gs := ed.Grids()
			if a, b := blocksOf(gs, "A"), blocksOf(gs, "B"); !slices.Equal(a, tc.wantA) || !slices.Equal(b, tc.wantB) {
				t.Errorf("A = %v, B = %v", a, b)
			}
			for _, g := range gs {
				if g.ID == "B" && (g.Weight != tc.weight || len(g.Geometry) != 1) {
					t.Errorf("B weighs %g in %d polygons", g.Weight, len(g.Geometry))
				}
			}
		})
	}
}

func TestValidateListsEveryBrokenRule(t *testing.T) {
	blocks := mosaic(4, 1, func(i, j int) map[string]string {
		m := map[string]string{"hh": "10", "community": "west"}
		if i >= 2 {
			m["community"] = "east"
		}
		return m
	})
	grids := []partition.Grid{
		{ID: "A", Kind: partition.Basic, Blocks: []partition.BlockID{"b0_0", "b2_0"}},
		{ID: "B", Kind: partition.Basic, Blocks: []partition.BlockID{"b2_0"}},
	}
	ed, err := partition.NewEditor(blocks, grids, partition.Options{Weight: "hh", Min: 15, Max: 30, Within: "community"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ed.Validate() {
		got = append(got, string(p.Grid)+" "+p.Rule+" "+p.Severity)
	}
	// A's two blocks lie in two parents: no path of blocks of one parent
	// joins them (an exclave the data forces, a note); crossing the
	// parents is the error.
	want := []string{
		"A exclave note", "A crosses_parent error", "A overlaps error",
		"B out_of_bounds note", "B overlaps error",
		" missing error", " missing error",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestValidateCountsGrids gives validate a plan of the 4×1 strip in two
// grids with --count 3: a grid is missing, whatever the weights say.
func TestValidateCountsGrids(t *testing.T) {
	_, grids := stripPlan(t)
	tests := []struct {
		name  string
		count int
		want  []string
	}{
		{"count matches", 2, nil},
		{"a grid missing", 3, []string{"note: grid_count: 2 basic grids, --count 3"}},
		{"a grid too many", 1, []string{"note: grid_count: 2 basic grids, --count 1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ed, err := partition.NewEditor(mosaic(4, 1, hh(10)), grids, partition.Options{Weight: "hh", Count: tc.count, Tolerance: 0.1})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ed.Validate() {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRedrawKeepsLockedAndOutside(t *testing.T) {
	blocks := mosaic(6, 2, hh(10))
	opt := partition.Options{Weight: "hh", Count: 4, Tolerance: 0.01, Seed: 3}
	res, err := partition.Draw(context.Background(), blocks, opt)
	if err != nil {
		t.Fatal(err)
	}
	ed, err := partition.NewEditor(blocks, res.Grids, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := ed.Lock(true, "G002"); err != nil {
		t.Fatal(err)
	}
	if err := ed.Redraw(context.Background(), []partition.GridID{"G001", "G002", "G003"}); err != nil {
		t.Fatal(err)
	}
	after := ed.Grids()
	for _, id := range []partition.GridID{"G002", "G004"} {
		if !slices.Equal(blocksOf(after, id), blocksOf(res.Grids, id)) {
			t.Errorf("%s changed: %v → %v", id, blocksOf(res.Grids, id), blocksOf(after, id))
		}
	}
	var ids []partition.GridID
	n := 0
	for _, g := range after {
		ids = append(ids, g.ID)
		n += len(g.Blocks)
		if g.Weight != 30 || len(g.Geometry) != 1 {
			t.Errorf("%s weighs %g in %d polygons", g.ID, g.Weight, len(g.Geometry))
		}
	}
	if !slices.Equal(ids, []partition.GridID{"G001", "G002", "G003", "G004"}) || n != 12 {
		t.Errorf("grids %v with %d blocks", ids, n)
	}
	if p := ed.Validate(); len(p) != 0 {
		t.Errorf("redrawn plan breaks rules: %v", p)
	}
}

func TestDiff(t *testing.T) {
	ed, before := stripPlan(t)
	if err := ed.Move("b2_0", "A"); err != nil {
		t.Fatal(err)
	}
	d := partition.Diff(before, ed.Grids())
	if want := []partition.BlockMove{{Block: "b2_0", From: "B", To: "A"}}; !slices.Equal(d.Moved, want) {
		t.Errorf("moved %v, want %v", d.Moved, want)
	}
	if len(d.Changed) != 2 || d.Changed[0].ID != "A" || d.Changed[1].ID != "B" || len(d.Added)+len(d.Removed) != 0 {
		t.Errorf("changed %v, added %v, removed %v", d.Changed, d.Added, d.Removed)
	}
}

func TestMergeAndSplit(t *testing.T) {
	t.Run("merge", func(t *testing.T) {
		ed, _ := stripPlan(t)
		if err := ed.Merge("A", "B"); err != nil {
			t.Fatal(err)
		}
		gs := ed.Grids()
		if len(gs) != 1 || gs[0].ID != "A" || len(gs[0].Blocks) != 4 || gs[0].Weight != 40 || len(gs[0].Geometry) != 1 {
			t.Errorf("merged plan %+v", gs)
		}
	})
	t.Run("merge locked", func(t *testing.T) {
		ed, _ := stripPlan(t)
		if err := ed.Lock(true, "B"); err != nil {
			t.Fatal(err)
		}
		if err := ed.Merge("A", "B"); !errors.Is(err, partition.ErrLocked) {
			t.Errorf("error %v, want ErrLocked", err)
		}
	})
	t.Run("split", func(t *testing.T) {
		blocks := mosaic(4, 1, hh(10))
		one := []partition.Grid{{ID: "A", Kind: partition.Basic, Blocks: []partition.BlockID{"b0_0", "b1_0", "b2_0", "b3_0"}}}
		ed, err := partition.NewEditor(blocks, one, partition.Options{Weight: "hh", Min: 10, Max: 30})
		if err != nil {
			t.Fatal(err)
		}
		if err := ed.Split(context.Background(), "A", 2); err != nil {
			t.Fatal(err)
		}
		gs := ed.Grids()
		if len(gs) != 2 || gs[0].ID != "A" || gs[1].ID != "G002" || gs[0].Weight != 20 || gs[1].Weight != 20 {
			t.Errorf("split plan %v", gs)
		}
		if err := ed.Split(context.Background(), "A", 3); !errors.Is(err, partition.ErrInfeasible) {
			t.Errorf("splitting 2 blocks into 3: error %v, want ErrInfeasible", err)
		}
	})
}

func TestValidateAllowsTheExceptions(t *testing.T) {
	blocks := mosaic(3, 1, func(i, j int) map[string]string {
		return map[string]string{"hh": []string{"0.1", "0.2", "900"}[i], "community": []string{"west", "west", "east"}[i]}
	})
	grids := []partition.Grid{
		{ID: "W", Kind: partition.Basic, Parent: "west", Blocks: []partition.BlockID{"b0_0", "b1_0"}},
		{ID: "E", Kind: partition.Basic, Parent: "east", Blocks: []partition.BlockID{"b2_0"}},
	}
	ed, err := partition.NewEditor(blocks, grids, partition.Options{Weight: "hh", Min: 100, Max: 500, Within: "community"})
	if err != nil {
		t.Fatal(err)
	}
	p := ed.Validate()
	if len(p) != 1 || p[0].Rule != partition.RuleOversizeBlock || partition.Errors(p) != 0 {
		t.Errorf("a whole parent below --min breaks nothing and a single block above --max is one note, got %v", p)
	}
}

// TestValidateDisconnected tells a grid in pieces that other blocks join
// (an error: its blocks could connect) from pieces no block joins (an
// island, a note), and says which problems an edit adds and removes.
func TestValidateDisconnected(t *testing.T) {
	blocks := withIsland(mosaic(3, 1, hh(10)))
	grids := []partition.Grid{
		{ID: "A", Kind: partition.Basic, Blocks: []partition.BlockID{"b0_0", "b2_0", "island"}},
		{ID: "B", Kind: partition.Basic, Blocks: []partition.BlockID{"b1_0"}},
	}
	ed, err := partition.NewEditor(blocks, grids, partition.Options{Weight: "hh", Min: 5, Max: 40})
	if err != nil {
		t.Fatal(err)
	}
	before := ed.Validate()
	var got []string
	for _, p := range before {
		got = append(got, p.Rule+" "+p.Severity+" "+string(p.Block))
	}
	want := []string{"disconnected error b2_0", "island note island"}
	if !slices.Equal(got, want) {
		t.Fatalf("problems %q, want %q", got, want)
	}
	if err := ed.Move("b1_0", "A"); err != nil {
		t.Fatal(err)
	}
	ch := partition.CompareProblems(before, ed.Validate())
	if len(ch.Added) != 0 || len(ch.Removed) != 1 || ch.Removed[0].Rule != partition.RuleDisconnected ||
		len(ch.Kept) != 1 || ch.Kept[0].Rule != partition.RuleIsland {
		t.Errorf("moving the joining block: %+v", ch)
	}
}

// TestFix gives Fix a plan with a grid in two pieces that another grid's
// block joins, a block in no grid and an island: it moves the cut-off
// piece and the missing block to their neighbours and leaves the island
// (a note) where it is.
func TestFix(t *testing.T) {
	blocks := withIsland(mosaic(4, 1, hh(10)))
	grids := []partition.Grid{
		{ID: "A", Kind: partition.Basic, Blocks: []partition.BlockID{"b0_0", "b2_0", "island"}},
		{ID: "B", Kind: partition.Basic, Blocks: []partition.BlockID{"b1_0"}},
	}
	ed := must(partition.NewEditor(blocks, grids, partition.Options{Weight: "hh", Min: 5, Max: 40}))
	moved := ed.Fix()
	want := []partition.BlockMove{{Block: "b2_0", From: "A", To: "B"}, {Block: "b3_0", To: "B"}}
	if !slices.Equal(moved, want) {
		t.Errorf("moved %v, want %v", moved, want)
	}
	if p := ed.Validate(); partition.Errors(p) != 0 || len(p) != 1 || p[0].Rule != partition.RuleIsland {
		t.Errorf("after Fix: %v, want the island note only", p)
	}
}

// withIsland adds to blocks one of weight 10, "island", about a
// kilometre north of the first: no block joins it to them.
func withIsland(blocks []partition.Block) []partition.Block {
	apart := mosaic(1, 1, hh(10))[0]
	apart.ID = "island"
	for _, p := range apart.Geometry {
		for _, r := range p {
			for i := range r {
				r[i][1] += 0.01
			}
		}
	}
	return append(blocks, apart)
}
