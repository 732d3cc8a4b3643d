package codec

import (
	"encoding/json"
	"errors"
	"fmt"

	"wangge/data"
	"wangge/partition"
)

// This file holds what both stores share about the versions of a draft
// plan: the check before PutPlanVersion writes, its refusals, and the
// text form of a version's grids.

// PrepareVersion checks a draft and the version PutPlanVersion records of
// it (a refusal is an *ItemError wrapping data.ErrInvalid) and returns
// the grids to store, carrying the plan's id, and the version's grids as
// text (EncodeVersionGrids).
func PrepareVersion(p partition.Plan, v data.PlanVersion) ([]partition.Grid, string, error) {
	if err := checkVersion(p, v); err != nil {
		return nil, "", err
	}
	text, err := EncodeVersionGrids(p.Grids)
	if err != nil {
		return nil, "", &data.ItemError{Kind: "plan version", ID: string(p.ID), Err: err}
	}
	grids := make([]partition.Grid, len(p.Grids))
	for i, g := range p.Grids {
		g.Plan = p.ID
		grids[i] = g
	}
	return grids, text, nil
}

// NextVersion decides, inside the transaction of PutPlanVersion, whether
// version n of plan id may be written: statusErr is the error of reading
// the plan's status (ErrNotFound for a new plan), latest its latest
// version (0: none).
func NextVersion(id partition.PlanID, n int, status partition.PlanStatus, statusErr error, latest int) error {
	switch {
	case errors.Is(statusErr, data.ErrNotFound):
	case statusErr != nil:
		return statusErr
	case status != partition.PlanDraft:
		return NotDraft(id, status)
	}
	if n != latest+1 {
		return NotNext(id, n, latest)
	}
	return nil
}

func checkVersion(p partition.Plan, v data.PlanVersion) error {
	err := CheckPlan(p)
	switch {
	case err != nil:
	case p.Status != partition.PlanDraft:
		err = Invalid("a plan is versioned while a draft; this one is %s", p.Status)
	case v.Plan != p.ID:
		err = Invalid("version of plan %q given with plan %q", v.Plan, p.ID)
	case v.Number < 1 || v.Base < 0 || v.Base >= v.Number:
		err = Invalid("version %d made from version %d: versions count from 1, each made from an earlier one (0: none)", v.Number, v.Base)
	}
	if err != nil {
		return &data.ItemError{Kind: "plan version", ID: string(p.ID), Err: err}
	}
	return nil
}

// NotDraft is the error of a version of plan id, stored with status.
func NotDraft(id partition.PlanID, status partition.PlanStatus) error {
	return data.Refuse(data.ErrConflict, "plan %q is %s: only drafts are edited; upload its grids as a new plan to change them", id, status)
}

// NotNext is the error of version n of plan id while its latest is latest.
func NotNext(id partition.PlanID, n, latest int) error {
	return data.Refuse(data.ErrConflict, "plan %q is at version %d, so the next is %d, not %d: another edit came first; read the plan again and retry", id, latest, latest+1, n)
}

// versionGrid is a grid of a version, without geometry.
type versionGrid struct {
	ID           partition.GridID    `json:"id"`
	Kind         partition.GridKind  `json:"kind"`
	Blocks       []partition.BlockID `json:"blocks"`
	Weight       float64             `json:"weight"`
	Parent       string              `json:"parent,omitempty"`
	Locked       bool                `json:"locked,omitempty"`
	Flags        []string            `json:"flags,omitempty"`
	AreaM2       float64             `json:"area_m2"`
	PerimeterM   float64             `json:"perimeter_m"`
	PolsbyPopper float64             `json:"polsby_popper"`
	HullRatio    float64             `json:"hull_ratio"`
}

// EncodeVersionGrids writes the grids of a version as a JSON array,
// without their geometry; a figure that is not a finite number is
// refused.
func EncodeVersionGrids(grids []partition.Grid) (string, error) {
	out := make([]versionGrid, len(grids))
	for i, g := range grids {
		out[i] = versionGrid{g.ID, g.Kind, g.Blocks, g.Weight, g.Parent, g.Locked, g.Flags, g.AreaM2, g.PerimeterM, g.PolsbyPopper, g.HullRatio}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", Invalid("grids of the version: %v", err)
	}
	return string(b), nil
}

// DecodeVersionGrids reads what EncodeVersionGrids wrote; the grids get
// plan id.
func DecodeVersionGrids(id partition.PlanID, text string) ([]partition.Grid, error) {
	var in []versionGrid
	if err := json.Unmarshal([]byte(text), &in); err != nil {
		return nil, fmt.Errorf("data: grids of a version of plan %q: %w", id, err)
	}
	grids := make([]partition.Grid, len(in))
	for i, g := range in {
		grids[i] = partition.Grid{ID: g.ID, Plan: id, Kind: g.Kind, Blocks: g.Blocks, Weight: g.Weight, Parent: g.Parent,
			Locked: g.Locked, Flags: g.Flags, AreaM2: g.AreaM2, PerimeterM: g.PerimeterM, PolsbyPopper: g.PolsbyPopper, HullRatio: g.HullRatio}
	}
	return grids, nil
}
