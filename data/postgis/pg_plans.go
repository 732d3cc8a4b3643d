package postgis

import (
	"context"
	"fmt"
	"strings"

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
// any earlier version of the plan and its grids.
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

// DeletePlan deletes a plan and its grids.
func (s *Store) DeletePlan(ctx context.Context, id partition.PlanID) error {
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		return pgDeleteIn(ctx, tx, pgPlans.kind, pgPlans.name, string(id))
	}, "plans", "grids")
}
