package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"

	"wangge/data"
	"wangge/data/internal/codec"
	"wangge/partition"
)

// pgRoads maps roads onto a MultiLineString table. pgGeomVals' ST_Multi
// makes a MultiLineString of a LineString as it makes a MultiPolygon of a
// Polygon; the column's type refuses anything else.
var pgRoads = &pgTable[partition.Road]{
	name: "roads", kind: "road", entity: "roads",
	cols:  []string{"id", "class", "name", "geom"},
	vals:  pgGeomVals(4),
	sel:   "SELECT id, class, name, ST_AsBinary(geom) FROM roads",
	id:    func(r partition.Road) string { return string(r.ID) },
	check: codec.CheckRoad,
	args: func(r partition.Road) ([]any, error) {
		g, err := codec.EncodeWKB(r.Geometry)
		return []any{r.ID, r.Class, r.Name, g}, err
	},
	scan: func(row pgx.Row) (partition.Road, error) {
		var r partition.Road
		var g []byte
		if err := row.Scan(&r.ID, &r.Class, &r.Name, &g); err != nil {
			return r, err
		}
		var err error
		r.Geometry, err = codec.DecodeMultiLineString(g)
		return r, err
	},
}

// PutRoads upserts roads in one transaction.
func (s *Store) PutRoads(ctx context.Context, roads []partition.Road) error {
	return pgRoads.put(ctx, s, roads)
}

// Road returns one road.
func (s *Store) Road(ctx context.Context, id partition.RoadID) (partition.Road, error) {
	return pgRoads.get(ctx, s, string(id))
}

// Roads lists roads ordered by id, filtered by q (a bbox keeps the roads
// whose line meets it).
func (s *Store) Roads(ctx context.Context, q data.BBoxQuery) ([]partition.Road, error) {
	return pgRoads.list(ctx, s, &pgWhere{}, q)
}

// DeleteRoad deletes one road.
func (s *Store) DeleteRoad(ctx context.Context, id partition.RoadID) error {
	return pgRoads.delete(ctx, s, string(id))
}
