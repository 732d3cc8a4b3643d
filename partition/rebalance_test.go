package partition_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"wangge/partition"
)

func TestRebalance(t *testing.T) {
	// A 3×2 mosaic, 10 households a block: A is the U of the bottom row
	// and the two top corners (50), B the top middle block (10); the mean
	// is 30. Moving b1_0 would cut A in two, so the moves go round it.
	blocks := mosaic(3, 2, hh(10))
	grids := []partition.Grid{
		{ID: "A", Kind: partition.Basic, Blocks: []partition.BlockID{"b0_0", "b1_0", "b2_0", "b0_1", "b2_1"}},
		{ID: "B", Kind: partition.Basic, Blocks: []partition.BlockID{"b1_1"}},
	}
	tests := []struct {
		name      string
		tolerance float64
		lock      []partition.GridID
		want      []partition.BlockMove
	}{
		{"within 5% in two moves", 0.05, nil, []partition.BlockMove{{Block: "b0_1", From: "A", To: "B"}, {Block: "b0_0", From: "A", To: "B"}}},
		{"within 40% in one move", 0.4, nil, []partition.BlockMove{{Block: "b0_1", From: "A", To: "B"}}},
		{"already within 70%", 0.7, nil, nil},
		{"locked grid stays", 0.05, []partition.GridID{"B"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ed, err := partition.NewEditor(blocks, grids, partition.Options{Weight: "hh", Count: 2, Tolerance: 0.05})
			if err != nil {
				t.Fatal(err)
			}
			if err := ed.Lock(true, tc.lock...); err != nil {
				t.Fatal(err)
			}
			moves, err := ed.Rebalance(context.Background(), tc.tolerance)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(moves, tc.want) {
				t.Fatalf("moves %v, want %v", moves, tc.want)
			}
			for _, g := range ed.Grids() {
				if slices.Contains(g.Flags, partition.FlagDisconnected) {
					t.Errorf("grid %s fell apart: %v", g.ID, g.Blocks)
				}
			}
			if len(tc.want) == 2 {
				for _, g := range ed.Grids() {
					if g.Weight != 30 {
						t.Errorf("grid %s weighs %g, want 30", g.ID, g.Weight)
					}
				}
			}
		})
	}
}

// TestRebalanceProvidenceWards evens out the city's own ward plan (15
// wards, 4.91% from the mean population) to within 2% by boundary moves,
// each ward staying in one piece.
func TestRebalanceProvidenceWards(t *testing.T) {
	blocks := providence(t)
	wards, err := partition.PlanFromField(blocks, "ward", "population")
	if err != nil {
		t.Fatal(err)
	}
	for i := range wards {
		wards[i].Kind = partition.Basic
	}
	ed, err := partition.NewEditor(blocks, wards, partition.Options{Weight: "population", Count: 15, Tolerance: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	moves, err := ed.Rebalance(context.Background(), 0.02)
	if err != nil {
		t.Fatal(err)
	}
	grids := ed.Grids()
	var sum float64
	for _, g := range grids {
		sum += g.Weight
	}
	mean := sum / float64(len(grids))
	worst := 0.0
	for _, g := range grids {
		worst = math.Max(worst, math.Abs(g.Weight-mean)/mean)
		if slices.Contains(g.Flags, partition.FlagDisconnected) {
			t.Errorf("ward %s fell apart", g.ID)
		}
	}
	if worst > 0.02 {
		t.Errorf("max deviation %.2f%% after %d moves, want ≤ 2%%", 100*worst, len(moves))
	}
	if d := partition.Diff(wards, grids); len(d.Moved) > len(moves) || len(moves) == 0 {
		t.Errorf("%d blocks differ after %d moves", len(d.Moved), len(moves))
	}
	t.Logf("%d moves, %d blocks changed ward, max deviation %.2f%%", len(moves), len(partition.Diff(wards, grids).Moved), 100*worst)
}
