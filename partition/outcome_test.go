package partition_test

import (
	"testing"

	"wangge/partition"
)

// TestApplyMeasuresTheEdit moves b0_0 (the end of grid A) into grid B,
// which it does not touch: the outcome names the move, the new
// disconnected error and A's shrinking, and the plan's figures after it.
func TestApplyMeasuresTheEdit(t *testing.T) {
	ed, _ := stripPlan(t)
	out, err := ed.Apply(func(ed *partition.Editor) error { return ed.Move("b0_0", "B") })
	if err != nil {
		t.Fatal(err)
	}
	if m := out.Diff.Moved; len(m) != 1 || m[0] != (partition.BlockMove{Block: "b0_0", From: "A", To: "B"}) {
		t.Errorf("moved %v, want b0_0 A → B", m)
	}
	if len(out.Diff.Changed) != 2 || out.Diff.Changed[0].Weight != -10 || out.Diff.Changed[1].Weight != 10 {
		t.Errorf("changed %+v, want A −10 and B +10", out.Diff.Changed)
	}
	if out.Diff.MultipartGrids != 1 || out.Diff.MaxDeviationPct <= 0 {
		t.Errorf("contiguity %+d, deviation %+g: want one more grid in pieces and a larger deviation", out.Diff.MultipartGrids, out.Diff.MaxDeviationPct)
	}
	if a := out.Problems.Added; len(a) != 1 || a[0].Grid != "B" || a[0].Rule != partition.RuleDisconnected || out.Errors != 1 {
		t.Errorf("problems added %v, %d errors: want B disconnected, 1 error", a, out.Errors)
	}
	if out.Report.Grids != 2 || out.Report.Blocks != 4 || out.Report.WeightTotal != 40 {
		t.Errorf("report %+v", out.Report)
	}
	if _, err := ed.Apply(func(ed *partition.Editor) error { return ed.Move("nope", "B") }); err == nil {
		t.Error("a failed edit gave an outcome")
	}
}
