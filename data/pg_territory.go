package data

import (
	"context"

	"github.com/jackc/pgx/v5"

	"wangge/partition"
)

var (
	pgAreaCols     = []string{"id", "name", "level", "parent", "code", "geom"}
	pgAreaSelect   = "SELECT id, name, level, parent, code, ST_AsBinary(geom) FROM areas"
	pgBlockCols    = []string{"id", "kind", "name", "households", "population", "parent", "attrs", "geom"}
	pgBlockSelect  = "SELECT id, kind, name, households, population, parent, attrs::text, ST_AsBinary(geom) FROM blocks"
	pgBuildingCols = []string{"id", "block", "kind", "levels", "households", "geom"}
	pgBuildingSel  = "SELECT id, block, kind, levels, households, ST_AsBinary(geom) FROM buildings"
)

// pgGeomVals is $1 … $n with the last one read as a MultiPolygon.
func pgGeomVals(n int) []string {
	vals := pgParams(n)
	vals[n-1] = pgMultiPolygonArg(n)
	return vals
}

// PutAreas upserts areas in one transaction.
func (s *PostGIS) PutAreas(ctx context.Context, areas []partition.Area) error {
	sql := pgUpsert("areas", []string{"id"}, pgAreaCols, pgGeomVals(len(pgAreaCols)))
	return pgPutBatch(ctx, s, "area", "areas", sql, areas,
		func(a partition.Area) string { return string(a.ID) }, checkArea,
		func(a partition.Area) ([]any, error) {
			g, err := encodeWKB(a.Geometry)
			return []any{a.ID, a.Name, a.Level, a.Parent, a.Code, g}, err
		})
}

func pgScanArea(row pgx.Row) (partition.Area, error) {
	var a partition.Area
	var g []byte
	if err := row.Scan(&a.ID, &a.Name, &a.Level, &a.Parent, &a.Code, &g); err != nil {
		return a, err
	}
	var err error
	a.Geometry, err = decodeMultiPolygon(g)
	return a, err
}

// Area returns one area.
func (s *PostGIS) Area(ctx context.Context, id partition.AreaID) (partition.Area, error) {
	return pgGet(ctx, s, "area", pgAreaSelect+" WHERE id = $1", string(id), pgScanArea)
}

// Areas lists every area ordered by id.
func (s *PostGIS) Areas(ctx context.Context) ([]partition.Area, error) {
	return pgList(ctx, s, "areas", pgAreaSelect+" ORDER BY id", nil, pgScanArea)
}

// DeleteArea deletes one area.
func (s *PostGIS) DeleteArea(ctx context.Context, id partition.AreaID) error {
	return s.pgDelete(ctx, "area", "areas", "areas", string(id))
}

// PutBlocks upserts blocks in one transaction.
func (s *PostGIS) PutBlocks(ctx context.Context, blocks []partition.Block) error {
	vals := pgGeomVals(len(pgBlockCols))
	vals[6] = "$7::jsonb"
	sql := pgUpsert("blocks", []string{"id"}, pgBlockCols, vals)
	return pgPutBatch(ctx, s, "block", "blocks", sql, blocks,
		func(b partition.Block) string { return string(b.ID) }, checkBlock,
		func(b partition.Block) ([]any, error) {
			g, err := encodeWKB(b.Geometry)
			return []any{b.ID, b.Kind, b.Name, b.Households, b.Population, b.Parent, encodeMap(b.Attrs), g}, err
		})
}

func pgScanBlock(row pgx.Row) (partition.Block, error) {
	var b partition.Block
	var attrs string
	var g []byte
	if err := row.Scan(&b.ID, &b.Kind, &b.Name, &b.Households, &b.Population, &b.Parent, &attrs, &g); err != nil {
		return b, err
	}
	var err error
	if b.Attrs, err = decodeMap(attrs); err != nil {
		return b, err
	}
	b.Geometry, err = decodeMultiPolygon(g)
	return b, err
}

// Block returns one block.
func (s *PostGIS) Block(ctx context.Context, id partition.BlockID) (partition.Block, error) {
	return pgGet(ctx, s, "block", pgBlockSelect+" WHERE id = $1", string(id), pgScanBlock)
}

// Blocks lists blocks ordered by id, filtered by q.
func (s *PostGIS) Blocks(ctx context.Context, q BlockQuery) ([]partition.Block, error) {
	var w pgWhere
	if q.Parent != "" {
		w.add("parent = ?", q.Parent)
	}
	tail := w.page(q.BBoxQuery)
	return pgList(ctx, s, "blocks", pgBlockSelect+w.sql()+tail, w.args, pgScanBlock)
}

// DeleteBlock deletes one block.
func (s *PostGIS) DeleteBlock(ctx context.Context, id partition.BlockID) error {
	return s.pgDelete(ctx, "block", "blocks", "blocks", string(id))
}

// PutBuildings upserts buildings in one transaction.
func (s *PostGIS) PutBuildings(ctx context.Context, buildings []partition.Building) error {
	sql := pgUpsert("buildings", []string{"id"}, pgBuildingCols, pgGeomVals(len(pgBuildingCols)))
	return pgPutBatch(ctx, s, "building", "buildings", sql, buildings,
		func(b partition.Building) string { return string(b.ID) }, checkBuilding,
		func(b partition.Building) ([]any, error) {
			g, err := encodeWKB(b.Geometry)
			return []any{b.ID, b.Block, b.Kind, b.Levels, b.Households, g}, err
		})
}

func pgScanBuilding(row pgx.Row) (partition.Building, error) {
	var b partition.Building
	var g []byte
	if err := row.Scan(&b.ID, &b.Block, &b.Kind, &b.Levels, &b.Households, &g); err != nil {
		return b, err
	}
	var err error
	b.Geometry, err = decodeMultiPolygon(g)
	return b, err
}

// Building returns one building.
func (s *PostGIS) Building(ctx context.Context, id partition.BuildingID) (partition.Building, error) {
	return pgGet(ctx, s, "building", pgBuildingSel+" WHERE id = $1", string(id), pgScanBuilding)
}

// Buildings lists buildings ordered by id, filtered by q.
func (s *PostGIS) Buildings(ctx context.Context, q BBoxQuery) ([]partition.Building, error) {
	var w pgWhere
	tail := w.page(q)
	return pgList(ctx, s, "buildings", pgBuildingSel+w.sql()+tail, w.args, pgScanBuilding)
}

// DeleteBuilding deletes one building.
func (s *PostGIS) DeleteBuilding(ctx context.Context, id partition.BuildingID) error {
	return s.pgDelete(ctx, "building", "buildings", "buildings", string(id))
}
