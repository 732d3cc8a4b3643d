package gpkg

import (
	"context"

	"github.com/paulmach/orb"

	"wangge/data"
	"wangge/data/internal/codec"
	"wangge/partition"
)

// This file keeps roads: the line layer of the map.

var gpkgRoads = &gpkgTable[partition.Road]{
	name: "roads", kind: "road", key: "id",
	cols:  []string{"id", "class", "name", "geom"},
	id:    func(r partition.Road) string { return string(r.ID) },
	check: codec.CheckRoad,
	geom:  func(r partition.Road) orb.Geometry { return r.Geometry },
	row: func(r partition.Road) ([]any, error) {
		g, err := gpkgBlob(r.Geometry)
		return []any{r.ID, r.Class, r.Name, g}, err
	},
	scan: func(s gpkgScanner) (partition.Road, error) {
		var r partition.Road
		var g []byte
		if err := s.Scan(&r.ID, &r.Class, &r.Name, &g); err != nil {
			return r, err
		}
		var err error
		r.Geometry, err = gpkgMultiLineString(g)
		return r, err
	},
}

// PutRoads upserts roads in one transaction.
func (g *Store) PutRoads(ctx context.Context, roads []partition.Road) error {
	return gpkgRoads.put(ctx, g.db, roads)
}

// Road reads one road.
func (g *Store) Road(ctx context.Context, id partition.RoadID) (partition.Road, error) {
	return gpkgRoads.get(ctx, g.db, string(id))
}

// Roads lists roads ordered by id; a bbox keeps those whose line meets it.
func (g *Store) Roads(ctx context.Context, q data.BBoxQuery) ([]partition.Road, error) {
	return gpkgRoads.list(ctx, g.db, gpkgBBox(q))
}

// DeleteRoad deletes one road.
func (g *Store) DeleteRoad(ctx context.Context, id partition.RoadID) error {
	return gpkgRoads.remove(ctx, g.db, string(id))
}
