package postgis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"wangge/data/internal/codec"
	"wangge/partition"
)

var pgPlans = &pgTable[partition.Plan]{
	name: "plans", kind: "plan", entity: "plans",
	cols: []string{"id", "name", "status", "params", "created", "published"},
	vals: []string{"$1", "$2", "$3", "$4::jsonb", "$5", "$6"},
	sel:  "SELECT id, name, status, params::text, created, published FROM plans",
	id:   func(p partition.Plan) string { return string(p.ID) },
	args: func(p partition.Plan) ([]any, error) {
		return []any{p.ID, p.Name, p.Status, codec.EncodeMap(p.Params), pgTime(p.Created), pgTime(p.Published)}, nil
	},
	scan: func(row pgx.Row) (partition.Plan, error) {
		var p partition.Plan
		var params string
		if err := row.Scan(&p.ID, &p.Name, &p.Status, &params, pgTimeDst{&p.Created}, pgTimeDst{&p.Published}); err != nil {
			return p, err
		}
		var err error
		p.Params, err = codec.DecodeMap(params)
		return p, err
	},
}

// pgGrids are written with their plan's id and read in a plan's snapshot.
var pgGrids = &pgTable[partition.Grid]{
	name: "grids", kind: "grid",
	cols: []string{"plan", "id", "kind", "blocks", "weight", "parent", "locked", "flags",
		"area_m2", "perimeter_m", "polsby_popper", "hull_ratio", "geom"},
	vals: []string{"$1", "$2", "$3", "$4::jsonb", "$5", "$6", "$7", "$8::jsonb", "$9", "$10", "$11", "$12",
		pgMultiPolygonArg(13)},
	sel: `SELECT plan, id, kind, blocks::text, weight, parent, locked, flags::text,
		area_m2, perimeter_m, polsby_popper, hull_ratio, ST_AsBinary(geom) FROM grids`,
	id: func(g partition.Grid) string { return string(g.ID) },
	args: func(g partition.Grid) ([]any, error) {
		geom, err := codec.EncodeWKB(g.Geometry)
		return []any{g.Plan, g.ID, g.Kind, codec.EncodeList(g.Blocks), g.Weight, g.Parent, g.Locked,
			codec.EncodeList(g.Flags), g.AreaM2, g.PerimeterM, g.PolsbyPopper, g.HullRatio, geom}, err
	},
	scan: func(row pgx.Row) (partition.Grid, error) {
		var g partition.Grid
		var blocks, flags string
		var geom []byte
		err := row.Scan(&g.Plan, &g.ID, &g.Kind, &blocks, &g.Weight, &g.Parent, &g.Locked, &flags,
			&g.AreaM2, &g.PerimeterM, &g.PolsbyPopper, &g.HullRatio, &geom)
		if err == nil {
			g.Blocks, err = codec.DecodeList[partition.BlockID](blocks)
		}
		if err == nil {
			g.Flags, err = codec.DecodeList[string](flags)
		}
		if err == nil {
			g.Geometry, err = codec.DecodeMultiPolygon(geom)
		}
		return g, err
	},
}

// PutPlan stores a plan with all its grids in one transaction, replacing
// any earlier version of the plan and its grids. A second published plan
// is a conflict.
func (s *Store) PutPlan(ctx context.Context, p partition.Plan) error {
	if err := codec.CheckPlan(p); err != nil {
		return fmt.Errorf("data: plan %q: %w", p.ID, err)
	}
	grids := make([]partition.Grid, len(p.Grids))
	for i, g := range p.Grids {
		g.Plan = p.ID
		grids[i] = g
	}
	gridSQL := "INSERT INTO grids (" + strings.Join(pgGrids.cols, ", ") + ") VALUES (" + strings.Join(pgGrids.vals, ", ") + ")"
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		if p.Status == partition.PlanPublished {
			if err := pgSecondPublished(ctx, tx, p.ID); err != nil {
				return err
			}
		}
		if err := pgPlans.putTx(ctx, tx, pgPlans.upsertSQL(), []partition.Plan{p}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM grids WHERE plan = $1", p.ID); err != nil {
			return fmt.Errorf("data: plan %q: %w", p.ID, err)
		}
		if err := pgGrids.putTx(ctx, tx, gridSQL, grids); err != nil {
			return fmt.Errorf("data: plan %q: %w", p.ID, err)
		}
		return nil
	}, "plans", "grids")
}

// Plan returns one plan with its grids ordered by id. The plan and its
// grids are read in one snapshot.
func (s *Store) Plan(ctx context.Context, id partition.PlanID) (partition.Plan, error) {
	var p partition.Plan
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var err error
			p, err = pgPlans.scan(tx.QueryRow(ctx, pgPlans.sel+" WHERE id = $1", id))
			if err != nil {
				return err
			}
			p.Grids, err = pgCollect(ctx, tx, pgGrids.sel+" WHERE plan = $1 ORDER BY id", []any{id}, pgGrids.scan)
			return err
		})
	return p, pgGetErr("plan", string(id), err)
}

// Plans lists the plans ordered by creation time (then id), without their
// grids.
func (s *Store) Plans(ctx context.Context) ([]partition.Plan, error) {
	return pgList(ctx, s, "plans", pgPlans.sel+" ORDER BY created NULLS FIRST, id", nil, pgPlans.scan)
}

// pgPublishLock serialises the writes that publish a plan, so that each
// sees the plan its predecessor published.
const pgPublishLock = "SELECT pg_advisory_xact_lock(hashtext('wangge publish ' || current_schema()))"

// pgSecondPublished takes the publish lock and fails with a conflict when
// a plan other than id is published.
func pgSecondPublished(ctx context.Context, tx pgx.Tx, id partition.PlanID) error {
	if _, err := tx.Exec(ctx, pgPublishLock); err != nil {
		return fmt.Errorf("data: publish lock: %w", err)
	}
	var other partition.PlanID
	err := tx.QueryRow(ctx, "SELECT id FROM plans WHERE status = 'published' AND id <> $1", id).Scan(&other)
	switch {
	case err == nil:
		return codec.SecondPublished(id, other)
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	}
	return fmt.Errorf("data: published plan: %w", err)
}

// PublishPlan puts plan id in force (see data.PlanStore) in one
// transaction. Publishes wait for each other on an advisory lock, so that
// two at once both succeed, the later one in force.
func (s *Store) PublishPlan(ctx context.Context, id partition.PlanID, at time.Time) ([]partition.PlanID, error) {
	if err := codec.CheckPublish(id, at); err != nil {
		return nil, err
	}
	var superseded []partition.PlanID
	err := s.pgTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, pgPublishLock); err != nil {
			return fmt.Errorf("data: publish lock: %w", err)
		}
		status, err := pgPlanStatus(ctx, tx, id)
		if err != nil || status == partition.PlanPublished {
			return err
		}
		superseded, err = pgCollect(ctx, tx, "UPDATE plans SET status = 'draft', published = NULL WHERE status = 'published' RETURNING id",
			nil, func(row pgx.Row) (partition.PlanID, error) {
				var old partition.PlanID
				return old, row.Scan(&old)
			})
		if err != nil {
			return fmt.Errorf("data: return published plans to draft: %w", err)
		}
		if _, err := tx.Exec(ctx, "UPDATE plans SET status = 'published', published = $2 WHERE id = $1", id, at); err != nil {
			return fmt.Errorf("data: publish plan %q: %w", id, err)
		}
		return nil
	}, "plans")
	if err != nil {
		return nil, err
	}
	slices.Sort(superseded)
	return superseded, nil
}

// pgPlanStatus reads the status of plan id and locks its row until the
// transaction ends.
func pgPlanStatus(ctx context.Context, tx pgx.Tx, id partition.PlanID) (partition.PlanStatus, error) {
	var status partition.PlanStatus
	err := tx.QueryRow(ctx, "SELECT status FROM plans WHERE id = $1 FOR UPDATE", id).Scan(&status)
	return status, pgGetErr("plan", string(id), err)
}

// DeletePlan deletes a plan and its grids, unless it is the published
// plan: the delete itself checks the status, so a publish that commits
// first wins.
func (s *Store) DeletePlan(ctx context.Context, id partition.PlanID) error {
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "DELETE FROM plans WHERE id = $1 AND status <> 'published'", id)
		if err != nil {
			return fmt.Errorf("data: delete plan %q: %w", id, err)
		}
		if tag.RowsAffected() > 0 {
			return nil
		}
		if _, err := pgPlanStatus(ctx, tx, id); err != nil {
			return err
		}
		return codec.DeletePublished(id)
	}, "plans", "grids")
}
