package server

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/coverage"
	"wangge/coverage/incident"
	"wangge/data"
	"wangge/internal/access"
	"wangge/partition"
	"wangge/server/tiles"
)

// TilesPrefix is where the vector tiles live.
const TilesPrefix = "/tiles"

// tileLimit is the most features of one tile of any layer.
const tileLimit = 20000

// heatWindow is the window of the coverage heat tileset: the last week.
const heatWindow = 7 * 24 * time.Hour

// tileRoutes mounts the vector tiles; they are public, as the features of
// /ogc without a token, but for the coverage heat, which a token of its
// scope adds.
func (s *Server) tileRoutes() {
	tiles.Mount(s.echo.Group(TilesPrefix, s.optionalAuth), TilesPrefix, tiles.Options{
		Layers:      s.tileLayers,
		Attribution: "© OpenStreetMap contributors, ODbL",
	})
}

// tileFeatures reads a store layer by bbox into tile features.
func tileFeatures[T any](list func(context.Context, data.BBoxQuery) ([]T, error), render func(T) *geojson.Feature) func(context.Context, orb.Bound, int) ([]*geojson.Feature, error) {
	return func(ctx context.Context, b orb.Bound, limit int) ([]*geojson.Feature, error) {
		items, err := list(ctx, data.BBoxQuery{BBox: &b, Limit: limit})
		if err != nil {
			return nil, err
		}
		out := make([]*geojson.Feature, len(items))
		for i, it := range items {
			out[i] = render(it)
		}
		return out, nil
	}
}

// tileFeature is a feature of a tile with its id as a property (MVT ids
// are numbers).
func tileFeature(g orb.Geometry, props geojson.Properties) *geojson.Feature {
	f := geojson.NewFeature(g)
	f.Properties = props
	return f
}

// tileLayers are the tilesets: blocks, buildings, roads, the grids in
// force and of every plan, incidents and, for admins, planners and
// leaders, the coverage heat of the grids they may read.
func (s *Server) tileLayers(c echo.Context) ([]tiles.Layer, error) {
	ctx := c.Request().Context()
	layers := []tiles.Layer{
		{Name: "blocks", Description: "Street blocks", MinZoom: 12, DetailZoom: 16, Limit: tileLimit,
			Fields: map[string]string{"id": "String", "kind": "String", "name": "String", "households": "Number"},
			Features: tileFeatures(func(ctx context.Context, q data.BBoxQuery) ([]partition.Block, error) {
				return s.store.Blocks(ctx, data.BlockQuery{BBoxQuery: q})
			}, func(b partition.Block) *geojson.Feature {
				return tileFeature(b.Geometry, geojson.Properties{"id": string(b.ID), "kind": b.Kind, "name": b.Name, "households": b.Households})
			})},
		{Name: "buildings", Description: "Buildings", MinZoom: 14, DetailZoom: 17, Limit: tileLimit,
			Fields: map[string]string{"id": "String", "kind": "String", "levels": "Number", "households": "Number"},
			Features: tileFeatures(s.store.Buildings, func(b partition.Building) *geojson.Feature {
				return tileFeature(b.Geometry, geojson.Properties{"id": string(b.ID), "kind": b.Kind, "levels": b.Levels, "households": b.Households})
			})},
		{Name: "roads", Description: "Roads", MinZoom: 12, DetailZoom: 16, Limit: tileLimit,
			Fields: map[string]string{"id": "String", "class": "String", "name": "String"},
			Features: tileFeatures(s.store.Roads, func(r partition.Road) *geojson.Feature {
				return tileFeature(r.Geometry, geojson.Properties{"id": string(r.ID), "class": r.Class, "name": r.Name})
			})},
	}
	pi, err := s.app.InForce(ctx)
	if err != nil {
		return nil, err
	}
	if pi != nil {
		layers = append(layers, gridLayer("grids", "Grids in force", func(context.Context) (partition.Plan, error) { return pi.Plan(), nil }))
	}
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return nil, fmt.Errorf("server: list plans: %w", err)
	}
	for _, p := range plans {
		layers = append(layers, gridLayer("grids-"+string(p.ID), "Grids of plan "+p.Name, func(ctx context.Context) (partition.Plan, error) {
			return s.store.Plan(ctx, p.ID)
		}))
	}
	layers = append(layers, tiles.Layer{Name: "incidents", Description: "Incidents (public fields)", MinZoom: 10, DetailZoom: 10, Limit: tileLimit,
		Fields: map[string]string{"id": "String", "category": "String", "status": "String", "level": "String"},
		Features: tileFeatures(func(ctx context.Context, q data.BBoxQuery) ([]incident.Incident, error) {
			incs, err := s.store.Incidents(ctx, data.IncidentQuery{BBoxQuery: q})
			return slices.DeleteFunc(incs, func(inc incident.Incident) bool { return slices.Contains(inc.Flags, incident.FlagNoLocation) }), err
		}, func(inc incident.Incident) *geojson.Feature {
			return tileFeature(inc.Location, geojson.Properties{"id": string(inc.ID), "category": inc.Category,
				"status": string(inc.Status), "level": string(inc.Level)})
		})})
	if p := principal(c); pi != nil && (p.Role == data.RoleAdmin || p.Role == data.RolePlanner || p.Role == data.RoleLeader) {
		layers = append(layers, s.heatLayer(p))
	}
	return layers, nil
}

// heatLayer is the visit heat of the last week over the grids in force
// that p may read: one H3 cell a feature, with the days and passes of the
// patrols through it (coverage.Coverage's heat, as ?layer=heat of a grid's
// coverage).
func (s *Server) heatLayer(p access.Principal) tiles.Layer {
	return tiles.Layer{Name: "coverage-heat", Description: "Patrol visits of the last week per H3 cell of the grids in force the token may read",
		MinZoom: 12, DetailZoom: 16, Limit: tileLimit, Private: true,
		Fields: map[string]string{"h3": "String", "days": "Number", "passes": "Number", "last_visited": "String"},
		Features: func(ctx context.Context, b orb.Bound, limit int) ([]*geojson.Feature, error) {
			now := time.Now()
			rep, err := s.app.CoverageIn(ctx, p, b, coverage.CoverageOptions{Res: coverage.DefaultRes, Buffer: coverage.DefaultBuffer,
				From: now.Add(-heatWindow), To: now, Zone: s.zone})
			if err != nil || rep == nil {
				return nil, err
			}
			var out []*geojson.Feature
			for _, f := range rep.HeatGeoJSON().Features {
				if len(out) == limit {
					break
				}
				if f.Geometry.Bound().Intersects(b) {
					out = append(out, f)
				}
			}
			return out, nil
		}}
}

// gridLayer is the tileset of a plan's grids.
func gridLayer(name, description string, load func(context.Context) (partition.Plan, error)) tiles.Layer {
	return tiles.Layer{Name: name, Description: description, MinZoom: 10, DetailZoom: 15, Limit: tileLimit,
		Fields: map[string]string{"id": "String", "kind": "String", "weight": "Number"},
		Features: func(ctx context.Context, b orb.Bound, limit int) ([]*geojson.Feature, error) {
			p, err := load(ctx)
			if err != nil {
				return nil, fmt.Errorf("server: plan of tileset %s: %w", name, err)
			}
			grids := sortedGrids(p)
			var out []*geojson.Feature
			for _, g := range gridsIn(grids, &b, "", limit) {
				// The plan in force is shared; tiles are projected in place.
				out = append(out, tileFeature(orb.Clone(g.Geometry), geojson.Properties{"id": string(g.ID), "kind": string(g.Kind), "weight": g.Weight}))
			}
			return out, nil
		}}
}
