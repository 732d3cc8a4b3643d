package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"wangge/data"
	"wangge/data/internal/codec"
	"wangge/partition"
)

// This file keeps plans (an attributes table) and their grids (a polygon
// layer with the plan's id in a column).

var gpkgPlans = &gpkgTable[partition.Plan]{
	name: "plans", kind: "plan", key: "id",
	cols:  []string{"id", "name", "status", "params", "created", "published"},
	id:    func(p partition.Plan) string { return string(p.ID) },
	check: codec.CheckPlan,
	row: func(p partition.Plan) ([]any, error) {
		return []any{p.ID, p.Name, p.Status, codec.EncodeMap(p.Params), codec.EncodeTime(p.Created), codec.EncodeTime(p.Published)}, nil
	},
	scan: func(s gpkgScanner) (partition.Plan, error) {
		var p partition.Plan
		var params string
		var created, published sql.NullString
		if err := s.Scan(&p.ID, &p.Name, &p.Status, &params, &created, &published); err != nil {
			return p, err
		}
		var err error
		if p.Params, err = codec.DecodeMap(params); err != nil {
			return p, err
		}
		if p.Created, err = codec.DecodeTime(created); err != nil {
			return p, err
		}
		p.Published, err = codec.DecodeTime(published)
		return p, err
	},
}

var gpkgGrids = &gpkgTable[partition.Grid]{
	name: "grids", kind: "grid", key: "plan, id",
	cols: []string{"plan", "id", "kind", "blocks", "weight", "parent", "locked", "flags",
		"area_m2", "perimeter_m", "polsby_popper", "hull_ratio", "geom"},
	id:    func(g partition.Grid) string { return string(g.ID) },
	check: codec.CheckGrid,
	geom:  func(g partition.Grid) orb.Geometry { return g.Geometry },
	row: func(g partition.Grid) ([]any, error) {
		blob, err := gpkgBlob(g.Geometry)
		return []any{g.Plan, g.ID, g.Kind, codec.EncodeList(g.Blocks), g.Weight, g.Parent, g.Locked, codec.EncodeList(g.Flags),
			g.AreaM2, g.PerimeterM, g.PolsbyPopper, g.HullRatio, blob}, err
	},
	scan: func(s gpkgScanner) (partition.Grid, error) {
		var g partition.Grid
		var blocks, flags string
		var blob []byte
		if err := s.Scan(&g.Plan, &g.ID, &g.Kind, &blocks, &g.Weight, &g.Parent, &g.Locked, &flags,
			&g.AreaM2, &g.PerimeterM, &g.PolsbyPopper, &g.HullRatio, &blob); err != nil {
			return g, err
		}
		var err error
		if g.Blocks, err = codec.DecodeList[partition.BlockID](blocks); err != nil {
			return g, err
		}
		if g.Flags, err = codec.DecodeList[string](flags); err != nil {
			return g, err
		}
		g.Geometry, err = gpkgMultiPolygon(blob)
		return g, err
	},
}

// PutPlan stores a plan with its grids in one transaction, replacing the
// grids of an earlier version of the plan. A second published plan is a
// conflict.
func (g *Store) PutPlan(ctx context.Context, p partition.Plan) error {
	if err := codec.CheckPlan(p); err != nil {
		return &data.ItemError{Kind: "plan", ID: string(p.ID), Err: err}
	}
	grids := make([]partition.Grid, len(p.Grids))
	for i, gr := range p.Grids {
		gr.Plan = p.ID
		grids[i] = gr
	}
	return gpkgTx(ctx, g.db, []string{"plans", "grids"}, func(tx *sql.Tx) error {
		if p.Status == partition.PlanPublished {
			var other partition.PlanID
			err := tx.QueryRowContext(ctx, "SELECT id FROM plans WHERE status = 'published' AND id <> ?", p.ID).Scan(&other)
			if err == nil {
				return codec.SecondPublished(p.ID, other)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("data: published plan: %w", err)
			}
		}
		if err := gpkgPlans.putTx(ctx, tx, []partition.Plan{p}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM grids WHERE plan = ?", p.ID); err != nil {
			return fmt.Errorf("data: replace grids of plan %q: %w", p.ID, err)
		}
		return gpkgGrids.putTx(ctx, tx, grids)
	})
}

// Plan reads a plan with its grids ordered by id, in one snapshot.
func (g *Store) Plan(ctx context.Context, id partition.PlanID) (partition.Plan, error) {
	var p partition.Plan
	err := gpkgRead(ctx, g.db, func(db gpkgDB) error {
		var err error
		if p, err = gpkgPlans.get(ctx, db, string(id)); err != nil {
			return err
		}
		var q gpkgQuery
		q.add("plan = ?", id)
		p.Grids, err = gpkgGrids.list(ctx, db, q)
		return err
	})
	return p, err
}

// Plans lists the plans by creation time, without their grids.
func (g *Store) Plans(ctx context.Context) ([]partition.Plan, error) {
	return gpkgPlans.list(ctx, g.db, gpkgQuery{order: "created, id"})
}

// PublishPlan puts plan id in force (see data.PlanStore) in one write
// transaction, which holds the file's lock.
func (g *Store) PublishPlan(ctx context.Context, id partition.PlanID, at time.Time) ([]partition.PlanID, error) {
	if err := codec.CheckPublish(id, at); err != nil {
		return nil, err
	}
	var superseded []partition.PlanID
	err := gpkgTx(ctx, g.db, []string{"plans"}, func(tx *sql.Tx) error {
		status, err := gpkgPlanStatus(ctx, tx, id)
		if err != nil || status == partition.PlanPublished {
			return err
		}
		rows, err := tx.QueryContext(ctx, "UPDATE plans SET status = 'draft', published = NULL WHERE status = 'published' RETURNING id")
		if err != nil {
			return fmt.Errorf("data: return published plans to draft: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var old partition.PlanID
			if err := rows.Scan(&old); err != nil {
				return fmt.Errorf("data: return published plans to draft: %w", err)
			}
			superseded = append(superseded, old)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("data: return published plans to draft: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE plans SET status = 'published', published = ? WHERE id = ?", codec.EncodeTime(at), id); err != nil {
			return fmt.Errorf("data: publish plan %q: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(superseded)
	return superseded, nil
}

// gpkgPlanStatus reads the status of plan id.
func gpkgPlanStatus(ctx context.Context, tx *sql.Tx, id partition.PlanID) (partition.PlanStatus, error) {
	var status partition.PlanStatus
	err := tx.QueryRowContext(ctx, "SELECT status FROM plans WHERE id = ?", id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("%w: plan with id %q", data.ErrNotFound, id)
	}
	if err != nil {
		return "", fmt.Errorf("data: status of plan %q: %w", id, err)
	}
	return status, nil
}

// DeletePlan deletes a plan and its grids, unless it is the published
// plan.
func (g *Store) DeletePlan(ctx context.Context, id partition.PlanID) error {
	return gpkgTx(ctx, g.db, []string{"plans", "grids"}, func(tx *sql.Tx) error {
		status, err := gpkgPlanStatus(ctx, tx, id)
		if err != nil {
			return err
		}
		if status == partition.PlanPublished {
			return codec.DeletePublished(id)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM grids WHERE plan = ?", id); err != nil {
			return fmt.Errorf("data: delete grids of plan %q: %w", id, err)
		}
		return gpkgPlans.del(ctx, tx, string(id))
	})
}
