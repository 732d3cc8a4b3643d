package postgis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"wangge/data"
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
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		if p.Status == partition.PlanPublished {
			if err := pgSecondPublished(ctx, tx, p.ID); err != nil {
				return err
			}
		}
		return pgPutPlanTx(ctx, tx, p, grids)
	}, "plans", "grids")
}

// pgPutPlanTx upserts plan p and replaces its grids with grids, inside tx.
func pgPutPlanTx(ctx context.Context, tx pgx.Tx, p partition.Plan, grids []partition.Grid) error {
	if err := pgPlans.putTx(ctx, tx, pgPlans.upsertSQL(), []partition.Plan{p}); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM grids WHERE plan = $1", p.ID); err != nil {
		return fmt.Errorf("data: plan %q: %w", p.ID, err)
	}
	gridSQL := "INSERT INTO grids (" + strings.Join(pgGrids.cols, ", ") + ") VALUES (" + strings.Join(pgGrids.vals, ", ") + ")"
	if err := pgGrids.putTx(ctx, tx, gridSQL, grids); err != nil {
		return fmt.Errorf("data: plan %q: %w", p.ID, err)
	}
	return nil
}

// PutPlanVersion stores draft p and records its grids as version v (see
// data.PlanStore) in one transaction. The plan's row, locked FOR UPDATE
// (or, for a new plan, the version's primary key), makes concurrent
// edits of one plan wait for each other, so the later one finds the
// version taken and is refused.
func (s *Store) PutPlanVersion(ctx context.Context, p partition.Plan, v data.PlanVersion) error {
	grids, text, err := codec.PrepareVersion(p, v)
	if err != nil {
		return err
	}
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		status, serr := pgPlanStatus(ctx, tx, p.ID)
		var latest int
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM plan_versions WHERE plan = $1", p.ID).Scan(&latest); err != nil {
			return fmt.Errorf("data: versions of plan %q: %w", p.ID, err)
		}
		if err := codec.NextVersion(p.ID, v.Number, status, serr, latest); err != nil {
			return err
		}
		if err := pgPutPlanTx(ctx, tx, p, grids); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO plan_versions (plan, version, base, edit, created, grids) VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
			p.ID, v.Number, v.Base, v.Edit, pgTime(v.Created), text)
		if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == pgUniqueViolation {
			return codec.NotNext(p.ID, v.Number, v.Number)
		}
		if err != nil {
			return fmt.Errorf("data: version %d of plan %q: %w", v.Number, p.ID, err)
		}
		return nil
	}, "plans", "grids")
}

// PlanVersions lists the versions of plan id, oldest first, without their
// grids, in one snapshot with the plan.
func (s *Store) PlanVersions(ctx context.Context, id partition.PlanID) ([]data.PlanVersion, error) {
	var out []data.PlanVersion
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error {
			var one int
			if err := tx.QueryRow(ctx, "SELECT 1 FROM plans WHERE id = $1", id).Scan(&one); err != nil {
				return pgGetErr("plan", string(id), err)
			}
			var err error
			out, err = pgCollect(ctx, tx, "SELECT version, base, edit, created FROM plan_versions WHERE plan = $1 ORDER BY version",
				[]any{id}, func(row pgx.Row) (data.PlanVersion, error) {
					v := data.PlanVersion{Plan: id}
					return v, row.Scan(&v.Number, &v.Base, &v.Edit, pgTimeDst{&v.Created})
				})
			return err
		})
	return out, err
}

// PlanVersion reads version n of plan id with its grids.
func (s *Store) PlanVersion(ctx context.Context, id partition.PlanID, n int) (data.PlanVersion, error) {
	v := data.PlanVersion{Plan: id, Number: n}
	var text string
	err := s.pool.QueryRow(ctx, "SELECT base, edit, created, grids::text FROM plan_versions WHERE plan = $1 AND version = $2", id, n).
		Scan(&v.Base, &v.Edit, pgTimeDst{&v.Created}, &text)
	if err != nil {
		return v, pgGetErr("plan version", fmt.Sprintf("%s@%d", id, n), err)
	}
	v.Grids, err = codec.DecodeVersionGrids(id, text)
	return v, err
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

// Publications lists when plans were in force (see data.PlanStore).
func (s *Store) Publications(ctx context.Context) ([]data.Publication, error) {
	return pgList(ctx, s, "publications of plans", `SELECT plan, start, until FROM plan_publications
		UNION ALL SELECT id, published, NULL FROM plans WHERE status = 'published' AND published IS NOT NULL
		ORDER BY 2, 1`, nil, func(row pgx.Row) (data.Publication, error) {
		var p data.Publication
		return p, row.Scan(&p.Plan, pgTimeDst{&p.From}, pgTimeDst{&p.To})
	})
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
		if _, err := tx.Exec(ctx, `INSERT INTO plan_publications (plan, start, until)
			SELECT id, published, $1 FROM plans WHERE status = 'published' AND published IS NOT NULL`, at); err != nil {
			return fmt.Errorf("data: record the publication superseded: %w", err)
		}
		superseded, err = pgCollect(ctx, tx, "UPDATE plans SET status = 'superseded' WHERE status = 'published' RETURNING id",
			nil, func(row pgx.Row) (partition.PlanID, error) {
				var old partition.PlanID
				return old, row.Scan(&old)
			})
		if err != nil {
			return fmt.Errorf("data: supersede the published plan: %w", err)
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

// DeletePlan deletes a plan, its grids and (by cascade) its versions,
// unless it is the published plan: the delete itself checks the status, so a publish that commits
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
