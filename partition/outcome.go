package partition

import "slices"

// EditOutcome is what one edit did to a plan: the difference from the
// plan before (blocks moved, grids added, removed and changed, the deltas
// of balance, compactness and contiguity), how the problems changed (new,
// gone, pre-existing), the errors the plan has after it and its figures.
// The command line prints it; the API answers it.
type EditOutcome struct {
	Diff     PlanDiff      `json:"diff"`
	Problems ProblemChange `json:"problems"`
	Errors   int           `json:"errors"`
	Report   Report        `json:"report"`
}

// Apply makes one edit (edit changes ed, and may fail, leaving ed as the
// edit left it) and measures what it did: the outcome compares the plan
// and its problems (Validate) before and after.
func (ed *Editor) Apply(edit func(*Editor) error) (EditOutcome, error) {
	before, problems := ed.Grids(), ed.Validate()
	for i := range before {
		before[i].Blocks = slices.Clone(before[i].Blocks)
	}
	if err := edit(ed); err != nil {
		return EditOutcome{}, err
	}
	return Outcome(before, problems, ed), nil
}

// Outcome compares a plan before (its grids and problems) with the plan
// after holds: an edit, an undo, or any two plans of the same blocks.
func Outcome(before []Grid, problems []Problem, after *Editor) EditOutcome {
	ch := CompareProblems(problems, after.Validate())
	return EditOutcome{Diff: Diff(before, after.grids), Problems: ch, Errors: Errors(slices.Concat(ch.Added, ch.Kept)),
		Report: after.Report()}
}

// Report is the figures of the plan as it stands, within the bounds it
// must keep (Bounds).
func (ed *Editor) Report() Report { return ed.ReportOf(ed.grids) }

// ReportOf is the figures of grids, another state of the editor's plan
// (before an edit, say), within the editor's bounds.
func (ed *Editor) ReportOf(grids []Grid) Report {
	lo, hi := ed.Bounds()
	return Summarize(grids, len(ed.blocks), lo, hi)
}
