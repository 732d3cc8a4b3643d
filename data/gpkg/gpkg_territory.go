package gpkg

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/paulmach/orb"

	"wangge/data"
	"wangge/data/internal/codec"
	"wangge/partition"
)

// This file keeps areas, blocks and buildings: polygon layers.

func gpkgPolygonArg(mp orb.MultiPolygon) (any, error) { return gpkgBlob(mp) }

var gpkgAreas = &gpkgTable[partition.Area]{
	name: "areas", kind: "area", key: "id",
	cols:  []string{"id", "name", "level", "parent", "code", "geom"},
	id:    func(a partition.Area) string { return string(a.ID) },
	check: codec.CheckArea,
	geom:  func(a partition.Area) orb.Geometry { return a.Geometry },
	row: func(a partition.Area) ([]any, error) {
		g, err := gpkgPolygonArg(a.Geometry)
		return []any{a.ID, a.Name, a.Level, a.Parent, a.Code, g}, err
	},
	scan: func(s gpkgScanner) (partition.Area, error) {
		var a partition.Area
		var g []byte
		if err := s.Scan(&a.ID, &a.Name, &a.Level, &a.Parent, &a.Code, &g); err != nil {
			return a, err
		}
		var err error
		a.Geometry, err = gpkgMultiPolygon(g)
		return a, err
	},
}

var gpkgBlocks = &gpkgTable[partition.Block]{
	name: "blocks", kind: "block", key: "id",
	cols:  []string{"id", "kind", "name", "households", "population", "parent", "attrs", "geom"},
	id:    func(b partition.Block) string { return string(b.ID) },
	check: codec.CheckBlock,
	geom:  func(b partition.Block) orb.Geometry { return b.Geometry },
	row: func(b partition.Block) ([]any, error) {
		g, err := gpkgPolygonArg(b.Geometry)
		return []any{b.ID, b.Kind, b.Name, b.Households, b.Population, b.Parent, codec.EncodeMap(b.Attrs), g}, err
	},
	scan: func(s gpkgScanner) (partition.Block, error) {
		var b partition.Block
		var attrs string
		var g []byte
		if err := s.Scan(&b.ID, &b.Kind, &b.Name, &b.Households, &b.Population, &b.Parent, &attrs, &g); err != nil {
			return b, err
		}
		var err error
		if b.Attrs, err = codec.DecodeMap(attrs); err != nil {
			return b, err
		}
		b.Geometry, err = gpkgMultiPolygon(g)
		return b, err
	},
}

var gpkgBuildings = &gpkgTable[partition.Building]{
	name: "buildings", kind: "building", key: "id",
	cols:  []string{"id", "block", "kind", "levels", "households", "geom"},
	id:    func(b partition.Building) string { return string(b.ID) },
	check: codec.CheckBuilding,
	geom:  func(b partition.Building) orb.Geometry { return b.Geometry },
	row: func(b partition.Building) ([]any, error) {
		g, err := gpkgPolygonArg(b.Geometry)
		return []any{b.ID, b.Block, b.Kind, b.Levels, b.Households, g}, err
	},
	scan: func(s gpkgScanner) (partition.Building, error) {
		var b partition.Building
		var g []byte
		if err := s.Scan(&b.ID, &b.Block, &b.Kind, &b.Levels, &b.Households, &g); err != nil {
			return b, err
		}
		var err error
		b.Geometry, err = gpkgMultiPolygon(g)
		return b, err
	},
}

// PutAreas upserts areas in one transaction.
func (g *Store) PutAreas(ctx context.Context, areas []partition.Area) error {
	return gpkgAreas.put(ctx, g.db, areas)
}

// Area reads one area.
func (g *Store) Area(ctx context.Context, id partition.AreaID) (partition.Area, error) {
	return gpkgAreas.get(ctx, g.db, string(id))
}

// Areas lists all areas ordered by id.
func (g *Store) Areas(ctx context.Context) ([]partition.Area, error) {
	return gpkgAreas.list(ctx, g.db, gpkgQuery{})
}

// DeleteArea deletes one area.
func (g *Store) DeleteArea(ctx context.Context, id partition.AreaID) error {
	return gpkgAreas.remove(ctx, g.db, string(id))
}

// PutBlocks upserts blocks in one transaction.
func (g *Store) PutBlocks(ctx context.Context, blocks []partition.Block) error {
	return gpkgBlocks.put(ctx, g.db, blocks)
}

// Block reads one block.
func (g *Store) Block(ctx context.Context, id partition.BlockID) (partition.Block, error) {
	return gpkgBlocks.get(ctx, g.db, string(id))
}

// Blocks lists blocks ordered by id.
func (g *Store) Blocks(ctx context.Context, q data.BlockQuery) ([]partition.Block, error) {
	lq := gpkgBBox(q.BBoxQuery)
	if q.Parent != "" {
		lq.add("parent = ?", q.Parent)
	}
	return gpkgBlocks.list(ctx, g.db, lq)
}

// ReplaceBlocks deletes the blocks of remove with their buildings and
// upserts blocks, in one transaction (see data.TerritoryStore).
func (g *Store) ReplaceBlocks(ctx context.Context, remove []partition.BlockID, blocks []partition.Block) error {
	if err := codec.CheckBatch(gpkgBlocks.kind, blocks, gpkgBlocks.id, gpkgBlocks.check); err != nil {
		return err
	}
	return gpkgTx(ctx, g.db, []string{"blocks", "buildings"}, func(tx *sql.Tx) error {
		for _, id := range remove {
			for _, q := range []string{"DELETE FROM buildings WHERE block = ?", "DELETE FROM blocks WHERE id = ?"} {
				if _, err := tx.ExecContext(ctx, q, id); err != nil {
					return fmt.Errorf("data: remove block %q: %w", id, err)
				}
			}
		}
		return gpkgBlocks.putTx(ctx, tx, blocks)
	})
}

// DeleteBlock deletes one block.
func (g *Store) DeleteBlock(ctx context.Context, id partition.BlockID) error {
	return gpkgBlocks.remove(ctx, g.db, string(id))
}

// PutBuildings upserts buildings in one transaction.
func (g *Store) PutBuildings(ctx context.Context, buildings []partition.Building) error {
	return gpkgBuildings.put(ctx, g.db, buildings)
}

// Building reads one building.
func (g *Store) Building(ctx context.Context, id partition.BuildingID) (partition.Building, error) {
	return gpkgBuildings.get(ctx, g.db, string(id))
}

// Buildings lists buildings ordered by id.
func (g *Store) Buildings(ctx context.Context, q data.BBoxQuery) ([]partition.Building, error) {
	return gpkgBuildings.list(ctx, g.db, gpkgBBox(q))
}

// DeleteBuilding deletes one building.
func (g *Store) DeleteBuilding(ctx context.Context, id partition.BuildingID) error {
	return gpkgBuildings.remove(ctx, g.db, string(id))
}
