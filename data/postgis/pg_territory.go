package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"wangge/data"
	"wangge/data/internal/codec"
	"wangge/partition"
)

// pgGeomVals is $1 … $n with the last one read as a MultiPolygon.
func pgGeomVals(n int) []string {
	vals := pgParams(n)
	vals[n-1] = pgMultiPolygonArg(n)
	return vals
}

var pgAreas = &pgTable[partition.Area]{
	name: "areas", kind: "area", entity: "areas",
	cols:  []string{"id", "name", "level", "parent", "code", "geom"},
	vals:  pgGeomVals(6),
	sel:   "SELECT id, name, level, parent, code, ST_AsBinary(geom) FROM areas",
	id:    func(a partition.Area) string { return string(a.ID) },
	check: codec.CheckArea,
	args: func(a partition.Area) ([]any, error) {
		g, err := codec.EncodeWKB(a.Geometry)
		return []any{a.ID, a.Name, a.Level, a.Parent, a.Code, g}, err
	},
	scan: func(row pgx.Row) (partition.Area, error) {
		var a partition.Area
		var g []byte
		if err := row.Scan(&a.ID, &a.Name, &a.Level, &a.Parent, &a.Code, &g); err != nil {
			return a, err
		}
		var err error
		a.Geometry, err = codec.DecodeMultiPolygon(g)
		return a, err
	},
}

// PutAreas upserts areas in one transaction.
func (s *Store) PutAreas(ctx context.Context, areas []partition.Area) error {
	return pgAreas.put(ctx, s, areas)
}

// Area returns one area.
func (s *Store) Area(ctx context.Context, id partition.AreaID) (partition.Area, error) {
	return pgAreas.get(ctx, s, string(id))
}

// Areas lists every area ordered by id.
func (s *Store) Areas(ctx context.Context) ([]partition.Area, error) {
	return pgAreas.list(ctx, s, &pgWhere{}, data.BBoxQuery{})
}

// DeleteArea deletes one area.
func (s *Store) DeleteArea(ctx context.Context, id partition.AreaID) error {
	return pgAreas.delete(ctx, s, string(id))
}

var pgBlocks = &pgTable[partition.Block]{
	name: "blocks", kind: "block", entity: "blocks",
	cols: []string{"id", "kind", "name", "households", "population", "parent", "attrs", "geom"},
	vals: []string{"$1", "$2", "$3", "$4", "$5", "$6", "$7::jsonb", pgMultiPolygonArg(8)},
	sel:  "SELECT id, kind, name, households, population, parent, attrs::text, ST_AsBinary(geom) FROM blocks",
	id:   func(b partition.Block) string { return string(b.ID) }, check: codec.CheckBlock,
	args: func(b partition.Block) ([]any, error) {
		g, err := codec.EncodeWKB(b.Geometry)
		return []any{b.ID, b.Kind, b.Name, b.Households, b.Population, b.Parent, codec.EncodeMap(b.Attrs), g}, err
	},
	scan: func(row pgx.Row) (partition.Block, error) {
		var b partition.Block
		var attrs string
		var g []byte
		if err := row.Scan(&b.ID, &b.Kind, &b.Name, &b.Households, &b.Population, &b.Parent, &attrs, &g); err != nil {
			return b, err
		}
		var err error
		if b.Attrs, err = codec.DecodeMap(attrs); err != nil {
			return b, err
		}
		b.Geometry, err = codec.DecodeMultiPolygon(g)
		return b, err
	},
}

// PutBlocks upserts blocks in one transaction.
func (s *Store) PutBlocks(ctx context.Context, blocks []partition.Block) error {
	return pgBlocks.put(ctx, s, blocks)
}

// ReplaceBlocks deletes the blocks of remove with their buildings and
// upserts blocks, in one transaction (see data.TerritoryStore).
func (s *Store) ReplaceBlocks(ctx context.Context, remove []partition.BlockID, blocks []partition.Block) error {
	if err := codec.CheckBatch(pgBlocks.kind, blocks, pgBlocks.id, pgBlocks.check); err != nil {
		return err
	}
	return s.pgTx(ctx, func(tx pgx.Tx) error {
		for _, q := range []string{"DELETE FROM buildings WHERE block = ANY($1)", "DELETE FROM blocks WHERE id = ANY($1)"} {
			if _, err := tx.Exec(ctx, q, remove); err != nil {
				return fmt.Errorf("data: remove %d blocks: %w", len(remove), err)
			}
		}
		if len(blocks) == 0 {
			return nil
		}
		return pgBlocks.putTx(ctx, tx, pgBlocks.upsertSQL(), blocks)
	}, pgBlocks.entity, pgBuildings.entity)
}

// Block returns one block.
func (s *Store) Block(ctx context.Context, id partition.BlockID) (partition.Block, error) {
	return pgBlocks.get(ctx, s, string(id))
}

// Blocks lists blocks ordered by id, filtered by q.
func (s *Store) Blocks(ctx context.Context, q data.BlockQuery) ([]partition.Block, error) {
	var w pgWhere
	if q.Parent != "" {
		w.add("parent = ?", q.Parent)
	}
	return pgBlocks.list(ctx, s, &w, q.BBoxQuery)
}

// DeleteBlock deletes one block.
func (s *Store) DeleteBlock(ctx context.Context, id partition.BlockID) error {
	return pgBlocks.delete(ctx, s, string(id))
}

var pgBuildings = &pgTable[partition.Building]{
	name: "buildings", kind: "building", entity: "buildings",
	cols:  []string{"id", "block", "kind", "levels", "households", "geom"},
	vals:  pgGeomVals(6),
	sel:   "SELECT id, block, kind, levels, households, ST_AsBinary(geom) FROM buildings",
	id:    func(b partition.Building) string { return string(b.ID) },
	check: codec.CheckBuilding,
	args: func(b partition.Building) ([]any, error) {
		g, err := codec.EncodeWKB(b.Geometry)
		return []any{b.ID, b.Block, b.Kind, b.Levels, b.Households, g}, err
	},
	scan: func(row pgx.Row) (partition.Building, error) {
		var b partition.Building
		var g []byte
		if err := row.Scan(&b.ID, &b.Block, &b.Kind, &b.Levels, &b.Households, &g); err != nil {
			return b, err
		}
		var err error
		b.Geometry, err = codec.DecodeMultiPolygon(g)
		return b, err
	},
}

// PutBuildings upserts buildings in one transaction.
func (s *Store) PutBuildings(ctx context.Context, buildings []partition.Building) error {
	return pgBuildings.put(ctx, s, buildings)
}

// Building returns one building.
func (s *Store) Building(ctx context.Context, id partition.BuildingID) (partition.Building, error) {
	return pgBuildings.get(ctx, s, string(id))
}

// Buildings lists buildings ordered by id, filtered by q.
func (s *Store) Buildings(ctx context.Context, q data.BBoxQuery) ([]partition.Building, error) {
	return pgBuildings.list(ctx, s, &pgWhere{}, q)
}

// DeleteBuilding deletes one building.
func (s *Store) DeleteBuilding(ctx context.Context, id partition.BuildingID) error {
	return pgBuildings.delete(ctx, s, string(id))
}
