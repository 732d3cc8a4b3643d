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
		return gpkgPutPlanTx(ctx, tx, p, grids)
	})
}

// gpkgPutPlanTx upserts plan p and replaces its grids with grids, inside
// tx.
func gpkgPutPlanTx(ctx context.Context, tx *sql.Tx, p partition.Plan, grids []partition.Grid) error {
	if err := gpkgPlans.putTx(ctx, tx, []partition.Plan{p}); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM grids WHERE plan = ?", p.ID); err != nil {
		return fmt.Errorf("data: replace grids of plan %q: %w", p.ID, err)
	}
	return gpkgGrids.putTx(ctx, tx, grids)
}

// PutPlanVersion stores draft p and records its grids as version v (see
// data.PlanStore) in one write transaction, which holds the file's lock:
// the check of the plan's status and latest version and the writes see
// no other writer.
func (g *Store) PutPlanVersion(ctx context.Context, p partition.Plan, v data.PlanVersion) error {
	grids, text, err := codec.PrepareVersion(p, v)
	if err != nil {
		return err
	}
	return gpkgTx(ctx, g.db, []string{"plans", "grids", "plan_versions"}, func(tx *sql.Tx) error {
		status, serr := gpkgPlanStatus(ctx, tx, p.ID)
		var latest int
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM plan_versions WHERE plan = ?", p.ID).Scan(&latest); err != nil {
			return fmt.Errorf("data: versions of plan %q: %w", p.ID, err)
		}
		if err := codec.NextVersion(p.ID, v.Number, status, serr, latest); err != nil {
			return err
		}
		if err := gpkgPutPlanTx(ctx, tx, p, grids); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO plan_versions (plan, version, base, edit, created, grids) VALUES (?, ?, ?, ?, ?, ?)",
			p.ID, v.Number, v.Base, v.Edit, codec.EncodeTime(v.Created), text)
		if err != nil {
			return fmt.Errorf("data: version %d of plan %q: %w", v.Number, p.ID, err)
		}
		return nil
	})
}

// PlanVersions lists the versions of plan id, oldest first, without their
// grids, in one snapshot with the plan.
func (g *Store) PlanVersions(ctx context.Context, id partition.PlanID) ([]data.PlanVersion, error) {
	var out []data.PlanVersion
	err := gpkgRead(ctx, g.db, func(db gpkgDB) error {
		if _, err := gpkgPlans.get(ctx, db, string(id)); err != nil {
			return err
		}
		rows, err := db.QueryContext(ctx, "SELECT version, base, edit, created FROM plan_versions WHERE plan = ? ORDER BY version", id)
		if err != nil {
			return fmt.Errorf("data: versions of plan %q: %w", id, err)
		}
		defer rows.Close()
		for rows.Next() {
			v := data.PlanVersion{Plan: id}
			var created sql.NullString
			if err := rows.Scan(&v.Number, &v.Base, &v.Edit, &created); err != nil {
				return fmt.Errorf("data: versions of plan %q: %w", id, err)
			}
			if v.Created, err = codec.DecodeTime(created); err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, err
}

// PlanVersion reads version n of plan id with its grids.
func (g *Store) PlanVersion(ctx context.Context, id partition.PlanID, n int) (data.PlanVersion, error) {
	v := data.PlanVersion{Plan: id, Number: n}
	var created sql.NullString
	var text string
	err := g.db.QueryRowContext(ctx, "SELECT base, edit, created, grids FROM plan_versions WHERE plan = ? AND version = ?", id, n).
		Scan(&v.Base, &v.Edit, &created, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("%w: version %d of plan %q", data.ErrNotFound, n, id)
	}
	if err != nil {
		return v, fmt.Errorf("data: version %d of plan %q: %w", n, id, gpkgBusy(err))
	}
	if v.Created, err = codec.DecodeTime(created); err != nil {
		return v, err
	}
	v.Grids, err = codec.DecodeVersionGrids(id, text)
	return v, err
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
	err := gpkgTx(ctx, g.db, []string{"plans", "plan_publications"}, func(tx *sql.Tx) error {
		status, err := gpkgPlanStatus(ctx, tx, id)
		if err != nil || status == partition.PlanPublished {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_publications (plan, start, until)
			SELECT id, published, ? FROM plans WHERE status = 'published' AND published IS NOT NULL`, codec.EncodeTime(at)); err != nil {
			return fmt.Errorf("data: record the publication superseded: %w", err)
		}
		rows, err := tx.QueryContext(ctx, "UPDATE plans SET status = 'superseded' WHERE status = 'published' RETURNING id")
		if err != nil {
			return fmt.Errorf("data: supersede the published plan: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var old partition.PlanID
			if err := rows.Scan(&old); err != nil {
				return fmt.Errorf("data: supersede the published plan: %w", err)
			}
			superseded = append(superseded, old)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("data: supersede the published plan: %w", err)
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

// DeletePlan deletes a plan, its grids and its versions, unless it is the
// published plan.
func (g *Store) DeletePlan(ctx context.Context, id partition.PlanID) error {
	return gpkgTx(ctx, g.db, []string{"plans", "grids", "plan_versions"}, func(tx *sql.Tx) error {
		status, err := gpkgPlanStatus(ctx, tx, id)
		if err != nil {
			return err
		}
		if status == partition.PlanPublished {
			return codec.DeletePublished(id)
		}
		for _, table := range []string{"grids", "plan_versions"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE plan = ?", id); err != nil {
				return fmt.Errorf("data: delete %s of plan %q: %w", table, id, err)
			}
		}
		return gpkgPlans.del(ctx, tx, string(id))
	})
}

// Publications lists when plans were in force (see data.PlanStore), in
// one snapshot.
func (g *Store) Publications(ctx context.Context) ([]data.Publication, error) {
	var out []data.Publication
	err := gpkgRead(ctx, g.db, func(db gpkgDB) error {
		rows, err := db.QueryContext(ctx, `SELECT plan, start, until FROM plan_publications
			UNION ALL SELECT id, published, NULL FROM plans WHERE status = 'published' AND published IS NOT NULL
			ORDER BY 2, 1`)
		if err != nil {
			return fmt.Errorf("data: publications of plans: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p data.Publication
			var from, to sql.NullString
			if err := rows.Scan(&p.Plan, &from, &to); err != nil {
				return fmt.Errorf("data: publications of plans: %w", err)
			}
			if p.From, err = codec.DecodeTime(from); err != nil {
				return err
			}
			if p.To, err = codec.DecodeTime(to); err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}
