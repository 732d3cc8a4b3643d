package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"wangge/data"
	"wangge/internal/access"
	"wangge/partition"
)

// GridBlocks is one grid of an edited plan: which blocks it holds and
// whether it is locked.
type GridBlocks struct {
	ID     partition.GridID
	Blocks []partition.BlockID
	Locked bool
}

// SaveEdit stores, as a new draft named name, plan base with its blocks
// given to base's grids as grids says (the map page's edits: blocks moved
// to a neighbouring grid, grids locked). Every block of base must be in
// exactly one listed grid, and every listed grid must be one of base's; a
// grid of base that is not listed, or lists no block, is gone. Each
// grid's kind and parent stay those of base, and its weight, geometry,
// figures and flags are recomputed from the stored blocks with the
// parameters base was drawn with (partition.Editor).
func (a *App) SaveEdit(ctx context.Context, p access.Principal, base partition.PlanID, name string, grids []GridBlocks) (partition.Plan, error) {
	if err := access.Check(p, access.Write, access.Resource{Kind: access.Grid, ID: "plan " + string(base)}); err != nil {
		return partition.Plan{}, err
	}
	from, err := a.store.Plan(ctx, base)
	if err != nil {
		return partition.Plan{}, fmt.Errorf("app: plan %q: %w", base, err)
	}
	opt, err := partition.OptionsFromParams(partition.DrawParams(from.Params))
	if err != nil {
		return partition.Plan{}, fmt.Errorf("app: plan %q: %w", base, err)
	}
	edited, err := regroup(from.Grids, grids)
	if err != nil {
		return partition.Plan{}, err
	}
	blocks, err := a.store.Blocks(ctx, data.BlockQuery{})
	if err != nil {
		return partition.Plan{}, fmt.Errorf("app: read blocks: %w", err)
	}
	ed, err := partition.NewEditor(EngineBlocks(blocks), edited, opt)
	if err != nil {
		return partition.Plan{}, fmt.Errorf("app: plan %q: %w", base, err)
	}
	created := a.now().UTC().Truncate(time.Second)
	if name == "" {
		name = from.Name + " (edited " + created.Format(time.DateTime) + ")"
	}
	plan := partition.Plan{ID: partition.PlanID(NewID("plan", created)), Name: name, Status: partition.PlanDraft,
		Params: maps.Clone(from.Params), Created: created, Grids: ed.Grids()}
	for i := range plan.Grids {
		plan.Grids[i].Plan = plan.ID
	}
	if err := a.PutPlan(ctx, p, plan); err != nil {
		return partition.Plan{}, err
	}
	a.audit(p, "plan changed", "plan", string(plan.ID), "action", "edit", "from", string(base))
	return plan, nil
}

// regroup is base's grids holding the blocks grids lists, checked: every
// block of base once, no grid base does not have.
func regroup(base []partition.Grid, grids []GridBlocks) ([]partition.Grid, error) {
	of := make(map[partition.GridID]partition.Grid, len(base))
	want := map[partition.BlockID]bool{}
	for _, g := range base {
		of[g.ID] = g
		for _, b := range g.Blocks {
			want[b] = true
		}
	}
	seen := make(map[partition.BlockID]partition.GridID, len(want))
	out := make([]partition.Grid, 0, len(grids))
	for i, g := range grids {
		old, ok := of[g.ID]
		if !ok {
			return nil, &FieldError{Field: fmt.Sprintf("grids[%d].id", i), Reason: fmt.Sprintf("%q is not a grid of the plan edited", g.ID)}
		}
		for _, b := range g.Blocks {
			if !want[b] {
				return nil, &FieldError{Field: fmt.Sprintf("grids[%d].blocks", i), Reason: fmt.Sprintf("block %q is not in the plan edited", b)}
			}
			if other, dup := seen[b]; dup {
				return nil, &FieldError{Field: fmt.Sprintf("grids[%d].blocks", i), Reason: fmt.Sprintf("block %q is in grids %s and %s", b, other, g.ID)}
			}
			seen[b] = g.ID
		}
		if len(g.Blocks) == 0 {
			continue
		}
		out = append(out, partition.Grid{ID: g.ID, Kind: old.Kind, Parent: old.Parent, Locked: g.Locked, Blocks: slices.Clone(g.Blocks)})
	}
	for _, g := range base {
		for _, b := range g.Blocks {
			if _, ok := seen[b]; !ok {
				return nil, &FieldError{Field: "grids", Reason: fmt.Sprintf("block %q of grid %s is in no grid; every block of the plan goes in one", b, g.ID)}
			}
		}
	}
	return out, nil
}

// EngineBlocks gives the partition engine what it reads: every property
// as text in Attrs, including the ones the store keeps as fields
// (households, population, kind, name, parent), so the weight, dedicated
// and within parameters may name any of them.
func EngineBlocks(blocks []partition.Block) []partition.Block {
	out := make([]partition.Block, len(blocks))
	for i, b := range blocks {
		attrs := make(map[string]string, len(b.Attrs)+5)
		maps.Copy(attrs, b.Attrs)
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
