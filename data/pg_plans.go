package data

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"wangge/partition"
)

var (
	pgPlanCols   = []string{"id", "name", "status", "params", "created", "published"}
	pgPlanSelect = "SELECT id, name, status, params::text, created, published FROM plans"
	pgGridCols   = []string{"plan", "id", "kind", "blocks", "weight", "parent", "locked", "flags",
		"area_m2", "perimeter_m", "polsby_popper", "hull_ratio", "geom"}
	pgGridSelect = `SELECT plan, id, kind, blocks::text, weight, parent, locked, flags::text,
		area_m2, perimeter_m, polsby_popper, hull_ratio, ST_AsBinary(geom) FROM grids`
)

// PutPlan stores a plan with all its grids in one transaction, replacing
// any earlier version of the plan and its grids.
func (s *PostGIS) PutPlan(ctx context.Context, p partition.Plan) error {
	if err := checkPlan(p); err != nil {
		return fmt.Errorf("data: plan %q: %w", p.ID, err)
	}
	planVals := pgParams(len(pgPlanCols))
	planVals[3] = "$4::jsonb"
	planSQL := pgUpsert("plans", []string{"id"}, pgPlanCols, planVals)
	gridVals := pgGeomVals(len(pgGridCols))
	gridVals[3], gridVals[7] = "$4::jsonb", "$8::jsonb"
	gridSQL := "INSERT INTO grids (" + strings.Join(pgGridCols, ", ") + ") VALUES (" + strings.Join(gridVals, ", ") + ")"
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, planSQL, p.ID, p.Name, p.Status, encodeMap(p.Params),
			pgTime(p.Created), pgTime(p.Published)); err != nil {
			return fmt.Errorf("data: plan %q: %w", p.ID, err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM grids WHERE plan = $1", p.ID); err != nil {
			return fmt.Errorf("data: plan %q: %w", p.ID, err)
		}
		err := pgSendBatch(ctx, tx, "grid", gridSQL, p.Grids,
			func(g partition.Grid) string { return string(g.ID) },
			func(g partition.Grid) ([]any, error) {
				geom, err := encodeWKB(g.Geometry)
				return []any{p.ID, g.ID, g.Kind, encodeList(g.Blocks), g.Weight, g.Parent, g.Locked,
					encodeList(g.Flags), g.AreaM2, g.PerimeterM, g.PolsbyPopper, g.HullRatio, geom}, err
			})
		if err != nil {
			return fmt.Errorf("data: plan %q: %w", p.ID, err)
		}
		return nil
	}, "plans", "grids")
}

func pgScanPlan(row pgx.Row) (partition.Plan, error) {
	var p partition.Plan
	var params string
	if err := row.Scan(&p.ID, &p.Name, &p.Status, &params, pgTimeDst{&p.Created}, pgTimeDst{&p.Published}); err != nil {
		return p, err
	}
	var err error
	p.Params, err = decodeMap(params)
	return p, err
}

func pgScanGrid(row pgx.Row) (partition.Grid, error) {
	var g partition.Grid
	var blocks, flags string
	var geom []byte
	if err := row.Scan(&g.Plan, &g.ID, &g.Kind, &blocks, &g.Weight, &g.Parent, &g.Locked, &flags,
		&g.AreaM2, &g.PerimeterM, &g.PolsbyPopper, &g.HullRatio, &geom); err != nil {
		return g, err
	}
	var err error
	if g.Blocks, err = decodeList[partition.BlockID](blocks); err != nil {
		return g, err
	}
	if g.Flags, err = decodeList[string](flags); err != nil {
		return g, err
	}
	g.Geometry, err = decodeMultiPolygon(geom)
	return g, err
}

// Plan returns one plan with its grids ordered by id. The plan and its
// grids are read in one snapshot.
func (s *PostGIS) Plan(ctx context.Context, id partition.PlanID) (partition.Plan, error) {
	var p partition.Plan
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var err error
			p, err = pgScanPlan(tx.QueryRow(ctx, pgPlanSelect+" WHERE id = $1", id))
			if err != nil {
				return err
			}
			p.Grids, err = pgCollect(ctx, tx, pgGridSelect+" WHERE plan = $1 ORDER BY id", []any{id}, pgScanGrid)
			return err
		})
	return p, pgGetErr("plan", string(id), err)
}

// Plans lists the plans ordered by creation time (then id), without their
// grids.
func (s *PostGIS) Plans(ctx context.Context) ([]partition.Plan, error) {
	return pgList(ctx, s, "plans", pgPlanSelect+" ORDER BY created NULLS FIRST, id", nil, pgScanPlan)
}

// DeletePlan deletes a plan and its grids.
func (s *PostGIS) DeletePlan(ctx context.Context, id partition.PlanID) error {
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		return pgDeleteIn(ctx, tx, "plan", "plans", string(id))
	}, "plans", "grids")
}
