package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"wangge/data"
	"wangge/internal/access"
	"wangge/partition"
)

// This file holds the use cases of a planner's loop over stored plans:
// upload or adopt a plan as a draft, edit it (each edit a new version,
// with undo), validate and diff plans and versions. The figures and the
// problems come from partition.Editor, as on the command line.

// The operations of a PlanEdit.
const (
	OpMove   = "move"   // Block to grid To
	OpLock   = "lock"   // Grids
	OpUnlock = "unlock" // Grids
	OpMerge  = "merge"  // Grid into Into
	OpSplit  = "split"  // Grid into K grids
	OpRedraw = "redraw" // the region Grids
	OpFix    = "fix"    // clear the errors moving as few blocks as possible
)

// PlanEdit is one edit of a draft: Op and the fields it takes.
type PlanEdit struct {
	Op    string
	Block partition.BlockID
	To    partition.GridID
	Into  partition.GridID
	Grid  partition.GridID
	Grids []partition.GridID
	K     int
}

// String describes the edit for the version it makes and the audit log.
func (e PlanEdit) String() string {
	switch e.Op {
	case OpMove:
		return fmt.Sprintf("move block %s to %s", e.Block, e.To)
	case OpLock, OpUnlock, OpRedraw:
		return e.Op + " " + joinGrids(e.Grids)
	case OpMerge:
		return fmt.Sprintf("merge %s into %s", e.Grid, e.Into)
	case OpSplit:
		return fmt.Sprintf("split %s into %d", e.Grid, e.K)
	}
	return e.Op
}

func joinGrids(ids []partition.GridID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}

// check refuses an edit missing a field its operation needs, naming it.
func (e PlanEdit) check() error {
	need := func(field string, ok bool) error {
		if !ok {
			return &FieldError{Field: field, Reason: "required by op " + e.Op}
		}
		return nil
	}
	switch e.Op {
	case OpMove:
		return errors.Join(need("block", e.Block != ""), need("to", e.To != ""))
	case OpLock, OpUnlock, OpRedraw:
		return need("grids", len(e.Grids) > 0)
	case OpMerge:
		return errors.Join(need("grid", e.Grid != ""), need("into", e.Into != ""))
	case OpSplit:
		return errors.Join(need("grid", e.Grid != ""), need("k", e.K >= 2))
	case OpFix:
		return nil
	}
	return &FieldError{Field: "op", Reason: fmt.Sprintf("%q is none of move, lock, unlock, merge, split, redraw, fix", e.Op)}
}

// apply makes the edit on ed. A block or grid the plan lacks is the
// fault of the field naming it.
func (e PlanEdit) apply(ctx context.Context, ed *partition.Editor) error {
	var err error
	field := "grids"
	switch e.Op {
	case OpMove:
		err = ed.Move(e.Block, e.To)
		field = "to"
		if errors.Is(err, partition.ErrBlockNotFound) {
			field = "block"
		}
	case OpLock, OpUnlock:
		err = ed.Lock(e.Op == OpLock, e.Grids...)
	case OpMerge:
		err = ed.Merge(e.Into, e.Grid)
		field = "grid or into"
	case OpSplit:
		err = ed.Split(ctx, e.Grid, e.K)
		field = "grid"
	case OpRedraw:
		err = ed.Redraw(ctx, e.Grids)
	case OpFix:
		ed.Fix()
	}
	switch {
	case errors.Is(err, partition.ErrBlockNotFound), errors.Is(err, partition.ErrGridNotFound):
		return &FieldError{Field: field, Reason: err.Error()}
	case errors.Is(err, partition.ErrLocked):
		return &PlanConflict{Reason: err.Error() + "; unlock it first (op unlock)"}
	}
	return err
}

// PlanConflict is a change of a plan that its state refuses: an edit of
// a plan that is not a draft, or of a version that is not the latest,
// an undo with nothing to undo, a move out of a locked grid.
type PlanConflict struct {
	Reason string // what stands in the way and what to do
}

// Error gives the reason.
func (e *PlanConflict) Error() string { return "app: " + e.Reason }

// Unwrap returns ErrConflict.
func (e *PlanConflict) Unwrap() error { return ErrConflict }

// PlanErrors is a publication refused because the plan has errors (and
// was not forced): the problems, errors first.
type PlanErrors struct {
	Plan     partition.PlanID
	Problems []partition.Problem
}

// Error counts the errors and says how to proceed.
func (e *PlanErrors) Error() string {
	return fmt.Sprintf("app: plan %s has %d errors; fix them (op fix clears them moving as few blocks as it can) or publish with force",
		e.Plan, partition.Errors(e.Problems))
}

// Unwrap returns ErrConflict.
func (e *PlanErrors) Unwrap() error { return ErrConflict }

// Edited is a stored draft after an upload, an edit or an undo: the plan
// with its grids, the version it is at and what the change did (for an
// upload, against an empty plan).
type Edited struct {
	Plan    partition.Plan
	Version data.PlanVersion // without grids
	Outcome partition.EditOutcome
}

// Validation is what Validate finds in a plan: its problems (errors
// first), the number of errors and its figures.
type Validation struct {
	Problems []partition.Problem `json:"problems"`
	Errors   int                 `json:"errors"`
	Notes    int                 `json:"notes"`
	Report   partition.Report    `json:"report"`
}

// validation validates the plan ed holds.
func validation(ed *partition.Editor) Validation {
	problems := ed.Validate()
	slices.SortStableFunc(problems, func(a, b partition.Problem) int { return strings.Compare(a.Severity, b.Severity) })
	n := partition.Errors(problems)
	return Validation{Problems: problems, Errors: n, Notes: len(problems) - n, Report: ed.Report()}
}

// EngineBlocks gives the engine what it reads: every property as text in
// Attrs, including the ones the store keeps as fields (households,
// population, kind, name, parent), so --weight, --dedicated and --within
// may name any of them.
func EngineBlocks(blocks []partition.Block) []partition.Block {
	out := make([]partition.Block, len(blocks))
	for i, b := range blocks {
		attrs := make(map[string]string, len(b.Attrs)+5)
		for k, v := range b.Attrs {
			attrs[k] = v
		}
		attrs["households"] = fmt.Sprint(b.Households)
		attrs["population"] = fmt.Sprint(b.Population)
		for k, v := range map[string]string{"kind": b.Kind, "name": b.Name, "parent": string(b.Parent)} {
			if v != "" {
				attrs[k] = v
			}
		}
		b.Attrs = attrs
		out[i] = b
	}
	return out
}

// blocks reads every stored block, for the engine.
func (a *App) blocks(ctx context.Context) ([]partition.Block, error) {
	blocks, err := a.store.Blocks(ctx, data.BlockQuery{})
	if err != nil {
		return nil, fmt.Errorf("app: read blocks: %w", err)
	}
	return EngineBlocks(blocks), nil
}

// editor opens grids, a plan drawn with params, over every stored block.
// A grid naming a block the store lacks is the fault of field.
func editor(blocks []partition.Block, grids []partition.Grid, params map[string]string, field string) (*partition.Editor, error) {
	opt, err := partition.OptionsOfPlan(params)
	if err != nil {
		return nil, err
	}
	ed, err := partition.NewEditor(blocks, grids, opt)
	if errors.Is(err, partition.ErrBlockNotFound) {
		return nil, &FieldError{Field: field, Reason: err.Error() + ", which the store does not hold"}
	}
	return ed, err
}

// PlanRef names a plan as stored (Version 0) or one of its versions.
type PlanRef struct {
	Plan    partition.PlanID
	Version int
}

// planAt reads the plan ref names; a version's grids replace the plan's.
func (a *App) planAt(ctx context.Context, ref PlanRef) (partition.Plan, error) {
	p, err := a.store.Plan(ctx, ref.Plan)
	if err != nil || ref.Version == 0 {
		return p, err
	}
	v, err := a.store.PlanVersion(ctx, ref.Plan, ref.Version)
	if err != nil {
		return p, err
	}
	p.Grids = v.Grids
	return p, nil
}

// ValidatePlan lists the errors and notes of a plan or version over the
// stored blocks.
func (a *App) ValidatePlan(ctx context.Context, ref PlanRef) (Validation, error) {
	p, err := a.planAt(ctx, ref)
	if err != nil {
		return Validation{}, err
	}
	blocks, err := a.blocks(ctx)
	if err != nil {
		return Validation{}, err
	}
	ed, err := editor(blocks, p.Grids, p.Params, "grids")
	if err != nil {
		return Validation{}, err
	}
	return validation(ed), nil
}

// DiffPlans compares two plans or versions over the stored blocks: the
// blocks moved, the grids added, removed and changed, the metric deltas,
// and the problems of to that from lacks (added) or has (removed).
func (a *App) DiffPlans(ctx context.Context, from, to PlanRef) (partition.EditOutcome, error) {
	pa, err := a.planAt(ctx, from)
	if err != nil {
		return partition.EditOutcome{}, err
	}
	pb, err := a.planAt(ctx, to)
	if err != nil {
		return partition.EditOutcome{}, err
	}
	blocks, err := a.blocks(ctx)
	if err != nil {
		return partition.EditOutcome{}, err
	}
	ea, err := editor(blocks, pa.Grids, pa.Params, "grids")
	if err != nil {
		return partition.EditOutcome{}, err
	}
	eb, err := editor(blocks, pb.Grids, pb.Params, "grids")
	if err != nil {
		return partition.EditOutcome{}, err
	}
	return partition.Outcome(ea.Grids(), ea.Validate(), eb), nil
}

// UploadPlan stores grids (a plan written by `wangge partition` or
// exported from the API) as a new draft drawn with opt, at version 1:
// the figures, flags and geometry are measured again from the stored
// blocks. The outcome's problems are all the plan's (as added).
func (a *App) UploadPlan(ctx context.Context, p access.Principal, name string, opt partition.Options, grids []partition.Grid) (Edited, error) {
	if err := access.Check(p, access.Write, access.PlanOf("")); err != nil {
		return Edited{}, err
	}
	blocks, err := a.blocks(ctx)
	if err != nil {
		return Edited{}, err
	}
	ed, err := editor(blocks, grids, opt.Params(), "features")
	if err != nil {
		return Edited{}, err
	}
	return a.newDraft(ctx, p, name, opt, ed, "upload")
}

// Adopted is a draft adopted from hand-drawn grids: the stored plan and
// what the adoption found (blocks cut by a boundary, blocks in no grid).
type Adopted struct {
	Edited
	Adoption *partition.Adoption
}

// AdoptPlan turns hand-drawn grid boundaries into a new draft (see
// partition.Adopt): each stored block goes to the grid holding most of
// its area; the blocks a boundary cuts and those in no grid are listed.
// Op fix then clears the errors moving as few blocks as it can.
func (a *App) AdoptPlan(ctx context.Context, p access.Principal, name string, opt partition.Options, bounds []partition.Boundary) (Adopted, error) {
	if err := access.Check(p, access.Write, access.PlanOf("")); err != nil {
		return Adopted{}, err
	}
	blocks, err := a.blocks(ctx)
	if err != nil {
		return Adopted{}, err
	}
	ad, err := partition.Adopt(blocks, bounds, opt)
	if err != nil {
		return Adopted{}, err
	}
	ed, err := editor(blocks, ad.Grids, opt.Params(), "features")
	if err != nil {
		return Adopted{}, err
	}
	e, err := a.newDraft(ctx, p, name, opt, ed, "import grids")
	return Adopted{Edited: e, Adoption: ad}, err
}

// newDraft stores the plan ed holds as a new draft at version 1.
func (a *App) newDraft(ctx context.Context, p access.Principal, name string, opt partition.Options, ed *partition.Editor, edit string) (Edited, error) {
	now := a.now().UTC().Truncate(time.Second)
	id := partition.PlanID(NewID("plan", now))
	if name == "" {
		name = edit + " of " + now.Format(time.DateOnly)
	}
	plan := partition.Plan{ID: id, Name: name, Status: partition.PlanDraft, Params: opt.Params(), Created: now, Grids: ed.Grids()}
	v := data.PlanVersion{Plan: id, Number: 1, Edit: edit, Created: now}
	if err := a.putVersion(ctx, p, plan, v); err != nil {
		return Edited{}, err
	}
	return Edited{Plan: plan, Version: v, Outcome: partition.Outcome(nil, nil, ed)}, nil
}

// putVersion stores version v of draft plan and audit-logs it.
func (a *App) putVersion(ctx context.Context, p access.Principal, plan partition.Plan, v data.PlanVersion) error {
	for i := range plan.Grids {
		plan.Grids[i].Plan = plan.ID
	}
	if err := a.store.PutPlanVersion(ctx, plan, v); err != nil {
		return fmt.Errorf("app: version %d of plan %q: %w", v.Number, plan.ID, err)
	}
	a.forget("plans")
	action := "edit"
	if v.Base == 0 {
		action = "create"
	}
	a.audit(p, "plan changed", "plan", string(plan.ID), "action", action, "version", v.Number, "edit", v.Edit, "grids", len(plan.Grids))
	return nil
}

// draft reads plan id to change it: it must be a draft, and base (when
// not 0) its latest version. A draft stored before versions were kept
// gets its state as version 1 first. It returns the plan and its latest
// version.
func (a *App) draft(ctx context.Context, p access.Principal, id partition.PlanID, base int) (partition.Plan, data.PlanVersion, error) {
	if err := access.Check(p, access.Write, access.PlanOf(id)); err != nil {
		return partition.Plan{}, data.PlanVersion{}, err
	}
	plan, err := a.store.Plan(ctx, id)
	if err != nil {
		return plan, data.PlanVersion{}, err
	}
	if plan.Status != partition.PlanDraft {
		return plan, data.PlanVersion{}, &PlanConflict{Reason: fmt.Sprintf(
			"plan %s is %s: only drafts are edited; upload its grids (GET …/grids) as a new plan to change them", id, plan.Status)}
	}
	vs, err := a.store.PlanVersions(ctx, id)
	if err != nil {
		return plan, data.PlanVersion{}, err
	}
	if len(vs) == 0 {
		v := data.PlanVersion{Plan: id, Number: 1, Edit: "as stored", Created: a.now().UTC().Truncate(time.Second)}
		if err := a.putVersion(ctx, p, plan, v); err != nil {
			return plan, v, err
		}
		vs = append(vs, v)
	}
	latest := vs[len(vs)-1]
	if base != 0 && base != latest.Number {
		return plan, latest, &PlanConflict{Reason: fmt.Sprintf(
			"plan %s is at version %d, not %d: another edit came first; read it again and retry", id, latest.Number, base)}
	}
	return plan, latest, nil
}

// EditPlan makes one edit of draft id at version base (0: its latest)
// over the stored blocks and stores the result as the next version. The
// outcome has the blocks moved, the metric deltas and the problems the
// edit added and removed.
func (a *App) EditPlan(ctx context.Context, p access.Principal, id partition.PlanID, base int, e PlanEdit) (Edited, error) {
	if err := e.check(); err != nil {
		return Edited{}, err
	}
	plan, latest, err := a.draft(ctx, p, id, base)
	if err != nil {
		return Edited{}, err
	}
	blocks, err := a.blocks(ctx)
	if err != nil {
		return Edited{}, err
	}
	ed, err := editor(blocks, plan.Grids, plan.Params, "grids")
	if err != nil {
		return Edited{}, err
	}
	out, err := ed.Apply(func(ed *partition.Editor) error { return e.apply(ctx, ed) })
	if err != nil {
		return Edited{}, err
	}
	plan.Grids = ed.Grids()
	v := data.PlanVersion{Plan: id, Number: latest.Number + 1, Base: latest.Number, Edit: e.String(), Created: a.now().UTC().Truncate(time.Second)}
	if err := a.putVersion(ctx, p, plan, v); err != nil {
		return Edited{}, err
	}
	return Edited{Plan: plan, Version: v, Outcome: out}, nil
}

// UndoPlan takes draft id (at version base, 0: its latest) back to the
// version its latest was made from, as a new version; undos in a row walk
// back to version 1.
func (a *App) UndoPlan(ctx context.Context, p access.Principal, id partition.PlanID, base int) (Edited, error) {
	plan, latest, err := a.draft(ctx, p, id, base)
	if err != nil {
		return Edited{}, err
	}
	if latest.Base == 0 {
		return Edited{}, &PlanConflict{Reason: fmt.Sprintf("plan %s is at version %d, as first stored: there is nothing to undo", id, latest.Number)}
	}
	back, err := a.store.PlanVersion(ctx, id, latest.Base)
	if err != nil {
		return Edited{}, err
	}
	blocks, err := a.blocks(ctx)
	if err != nil {
		return Edited{}, err
	}
	cur, err := editor(blocks, plan.Grids, plan.Params, "grids")
	if err != nil {
		return Edited{}, err
	}
	ed, err := editor(blocks, back.Grids, plan.Params, "grids")
	if err != nil {
		return Edited{}, err
	}
	out := partition.Outcome(cur.Grids(), cur.Validate(), ed)
	plan.Grids = ed.Grids()
	v := data.PlanVersion{Plan: id, Number: latest.Number + 1, Base: back.Base,
		Edit: fmt.Sprintf("undo: back to version %d", back.Number), Created: a.now().UTC().Truncate(time.Second)}
	if err := a.putVersion(ctx, p, plan, v); err != nil {
		return Edited{}, err
	}
	return Edited{Plan: plan, Version: v, Outcome: out}, nil
}

// PlanVersions lists the versions of plan id, oldest first.
func (a *App) PlanVersions(ctx context.Context, id partition.PlanID) ([]data.PlanVersion, error) {
	return a.store.PlanVersions(ctx, id)
}
