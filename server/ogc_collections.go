package server

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/access"
	"wangge/internal/app"
	"wangge/partition"
	"wangge/server/ogc"
)

// OGCPrefix is where OGC API – Features lives.
const OGCPrefix = "/ogc"

// ogcRoutes mounts OGC API – Features. No token is needed for the public
// collections; a token, when sent, must be valid, and adds the key places
// and tracks its scope reaches.
func (s *Server) ogcRoutes() {
	g := s.echo.Group(OGCPrefix, s.optionalAuth)
	ogc.Mount(g, OGCPrefix, ogc.Options{
		Collections: s.ogcCollections,
		Title:       "wangge",
		Description: "Blocks, buildings, roads, grid plans and incidents of community grid governance, as OGC API – Features",
		OpenAPI:     OpenAPIPath,
		Zone:        s.zone,
	})
}

// optionalAuth authenticates the bearer token when one is sent.
func (s *Server) optionalAuth(next echo.HandlerFunc) echo.HandlerFunc {
	auth := s.authenticate(next)
	return func(c echo.Context) error {
		if c.Request().Header.Get(echo.HeaderAuthorization) == "" {
			return next(c)
		}
		return auth(c)
	}
}

// toOGC hands a rendered feature to package ogc.
func toOGC(f feature) ogc.Feature {
	return ogc.Feature{Type: f.Type, ID: f.ID, Geometry: f.Geometry, Properties: f.Properties}
}

// storeCollection is a collection of a store layer read by bbox and
// keyset (list) and by id (get).
func storeCollection[T any, ID ~string](col ogc.Collection, list func(context.Context, data.BBoxQuery) ([]T, error),
	get func(context.Context, ID) (T, error), render func(T, crs) feature) ogc.Collection {
	col.Items = func(ctx context.Context, q ogc.Query) ([]ogc.Feature, error) {
		items, err := list(ctx, data.BBoxQuery{BBox: q.BBox, After: q.After, Limit: q.Limit})
		if err != nil {
			return nil, err
		}
		out := make([]ogc.Feature, len(items))
		for i, it := range items {
			out[i] = toOGC(render(it, crs(q.CRS.Name)))
		}
		return out, nil
	}
	col.Item = func(ctx context.Context, id string, c ogc.CRS) (ogc.Feature, error) {
		it, err := get(ctx, ID(id))
		if err != nil {
			return ogc.Feature{}, fmt.Errorf("server: %s %q: %w", col.ID, id, err)
		}
		return toOGC(render(it, crs(c.Name))), nil
	}
	return col
}

// ogcCollections lists the collections the request may read: the
// territory, the plan in force and every stored plan, the public fields of
// incidents and, for tokens whose scope reaches them, key places and
// tracks.
func (s *Server) ogcCollections(c echo.Context) ([]ogc.Collection, error) {
	ctx := c.Request().Context()
	cols := []ogc.Collection{
		storeCollection(ogc.Collection{ID: "blocks", Title: "Blocks",
			Description: "Street blocks, the units grids are drawn from, with households and population",
			Queryables:  map[string]string{"kind": "string", "name": "string", "parent": "string", "households": "integer", "population": "integer"}},
			func(ctx context.Context, q data.BBoxQuery) ([]partition.Block, error) {
				return s.store.Blocks(ctx, data.BlockQuery{BBoxQuery: q})
			}, s.store.Block, blockFeature),
		storeCollection(ogc.Collection{ID: "buildings", Title: "Buildings",
			Description: "Buildings with their block, kind, levels and estimated households",
			Queryables:  map[string]string{"block": "string", "kind": "string", "levels": "integer", "households": "integer"}},
			s.store.Buildings, s.store.Building, buildingFeature),
		storeCollection(ogc.Collection{ID: "roads", Title: "Roads",
			Description: "The road layer: OpenStreetMap highway class and name",
			Queryables:  map[string]string{"class": "string", "name": "string"}},
			s.store.Roads, s.store.Road, roadFeature),
	}
	pi, err := s.app.InForce(ctx)
	if err != nil {
		return nil, err
	}
	if pi != nil {
		cols = append(cols, gridCollection("grids", "Grids in force", pi.Plan()))
	}
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return nil, fmt.Errorf("server: list plans: %w", err)
	}
	for _, p := range plans {
		cols = append(cols, s.planCollection(p))
	}
	cols = append(cols, s.incidentCollection(pi))
	p := principal(c)
	if p.Role == data.RoleAdmin || p.Role == data.RoleLeader {
		cols = append(cols, s.keyPlaceCollection(p))
	}
	if p.Role == data.RoleAdmin || p.Role == data.RoleLeader || p.Role == data.RoleWorker {
		cols = append(cols, s.trackCollection(p))
	}
	return cols, nil
}

// gridQueryables are the properties of a grid a client may filter on.
var gridQueryables = map[string]string{"kind": "string", "parent": "string", "id": "string"}

// gridCollection serves the grids of a plan held in memory.
func gridCollection(id, title string, p partition.Plan) ogc.Collection {
	grids := sortedGrids(p)
	return ogc.Collection{ID: id, Title: title, Queryables: gridQueryables,
		Description: fmt.Sprintf("The %d grids of plan %s (%s, %s)", len(grids), p.ID, p.Name, p.Status),
		Items: func(_ context.Context, q ogc.Query) ([]ogc.Feature, error) {
			var out []ogc.Feature
			for _, g := range gridsIn(grids, q.BBox, partition.GridID(q.After), q.Limit) {
				out = append(out, toOGC(gridFeature(g, crs(q.CRS.Name))))
			}
			return out, nil
		},
		Item: func(_ context.Context, gid string, c ogc.CRS) (ogc.Feature, error) {
			i, ok := slices.BinarySearchFunc(grids, partition.GridID(gid), func(g partition.Grid, id partition.GridID) int { return cmp.Compare(g.ID, id) })
			if !ok {
				return ogc.Feature{}, fmt.Errorf("server: grid %q of plan %s: %w", gid, p.ID, data.ErrNotFound)
			}
			return toOGC(gridFeature(grids[i], crs(c.Name))), nil
		},
	}
}

// sortedGrids are the grids of p in id order.
func sortedGrids(p partition.Plan) []partition.Grid {
	return slices.SortedFunc(slices.Values(p.Grids), func(a, b partition.Grid) int { return cmp.Compare(a.ID, b.ID) })
}

// gridsIn returns up to limit (0: all) grids of sorted, in id order after
// after, whose bounds meet bbox (nil: all).
func gridsIn(sorted []partition.Grid, bbox *orb.Bound, after partition.GridID, limit int) []partition.Grid {
	var out []partition.Grid
	for _, g := range sorted {
		if g.ID <= after && after != "" || bbox != nil && !g.Geometry.Bound().Intersects(*bbox) {
			continue
		}
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, g)
	}
	return out
}

// planCollection serves a stored plan's grids, read when asked for.
func (s *Server) planCollection(p partition.Plan) ogc.Collection {
	id := "grids-" + string(p.ID)
	col := ogc.Collection{ID: id, Title: "Grids of plan " + p.Name, Queryables: gridQueryables,
		Description: fmt.Sprintf("The grids of plan %s (%s, %s)", p.ID, p.Name, p.Status)}
	load := func(ctx context.Context) (ogc.Collection, error) {
		full, err := s.store.Plan(ctx, p.ID)
		if err != nil {
			return ogc.Collection{}, fmt.Errorf("server: plan %s: %w", p.ID, err)
		}
		return gridCollection(id, col.Title, full), nil
	}
	col.Items = func(ctx context.Context, q ogc.Query) ([]ogc.Feature, error) {
		g, err := load(ctx)
		if err != nil {
			return nil, err
		}
		return g.Items(ctx, q)
	}
	col.Item = func(ctx context.Context, gid string, c ogc.CRS) (ogc.Feature, error) {
		g, err := load(ctx)
		if err != nil {
			return ogc.Feature{}, err
		}
		return g.Item(ctx, gid, c)
	}
	return col
}

// publicIncident renders the public fields of an incident: no reporter,
// no media.
func publicIncident(inc incident.Incident, pi *app.PlanIndex, c crs) ogc.Feature {
	f := incidentFeature(inc, pi, c, false)
	delete(f.Properties, "reporter")
	delete(f.Properties, "media_url")
	return toOGC(f)
}

// incidentCollection serves the public fields of incidents; datetime is a
// window on the report time.
func (s *Server) incidentCollection(pi *app.PlanIndex) ogc.Collection {
	return ogc.Collection{ID: "incidents", Title: "Incidents", Temporal: true,
		Description: "Incidents reported in the grids (public fields; datetime filters the report time)",
		Queryables:  map[string]string{"category": "string", "status": "string", "level": "string", "grid": "string", "current_grid": "string"},
		Items: func(ctx context.Context, q ogc.Query) ([]ogc.Feature, error) {
			incs, err := s.store.Incidents(ctx, data.IncidentQuery{BBoxQuery: data.BBoxQuery{BBox: q.BBox, After: q.After, Limit: q.Limit},
				From: q.Window.From, To: q.Window.To})
			if err != nil {
				return nil, err
			}
			out := make([]ogc.Feature, len(incs))
			for i, inc := range incs {
				out[i] = publicIncident(inc, pi, crs(q.CRS.Name))
			}
			return out, nil
		},
		Item: func(ctx context.Context, id string, c ogc.CRS) (ogc.Feature, error) {
			inc, err := s.store.Incident(ctx, incident.ID(id))
			if err != nil {
				return ogc.Feature{}, fmt.Errorf("server: incident %q: %w", id, err)
			}
			return publicIncident(inc, pi, crs(c.Name)), nil
		},
	}
}

// keyPlaceFeature renders a key place: no names, only its category, grid
// and visits.
func keyPlaceFeature(k patrol.KeyPlace, c crs) feature {
	props := map[string]any{"category": k.Category, "grid": k.Grid, "visit_interval_days": k.VisitInterval.Hours() / 24}
	if !k.LastVisited.IsZero() {
		props["last_visited"] = k.LastVisited
	}
	return feature{Type: "Feature", ID: string(k.ID), Geometry: pointGeometry(k.Location, c), Properties: props}
}

// keyPlaceCollection serves the key places p may read; every read is
// audit-logged (app.KeyPlaces).
func (s *Server) keyPlaceCollection(p access.Principal) ogc.Collection {
	col := ogc.Collection{ID: "key-places", Title: "Key places",
		Description: "Homes of key households to visit (no names): category, grid, visit interval; for admins and the grid's leader",
		Queryables:  map[string]string{"category": "string", "grid": "string"}}
	return storeCollection(col, func(ctx context.Context, q data.BBoxQuery) ([]patrol.KeyPlace, error) {
		return s.app.KeyPlaces(ctx, p, q)
	}, func(ctx context.Context, id patrol.KeyPlaceID) (patrol.KeyPlace, error) {
		return s.app.KeyPlace(ctx, p, id)
	}, keyPlaceFeature)
}

// trackFeature renders a GPS fix.
func trackFeature(pt patrol.TrackPoint, c crs) feature {
	return feature{Type: "Feature", ID: app.TrackID(pt), Geometry: pointGeometry(pt.Point, c), Properties: map[string]any{
		"worker": pt.Worker, "time": pt.Time, "accuracy": pt.Accuracy, "speed": pt.Speed}}
}

// trackCollection serves the fixes p may read, datetime a window on
// their time.
func (s *Server) trackCollection(p access.Principal) ogc.Collection {
	return ogc.Collection{ID: "tracks", Title: "Patrol tracks", Temporal: true,
		Description: "GPS fixes of the workers the token may see (a worker itself, a leader its grid's workers, an admin all)",
		Queryables:  map[string]string{"worker": "string"},
		Items: func(ctx context.Context, q ogc.Query) ([]ogc.Feature, error) {
			pts, err := s.app.Fixes(ctx, p, data.TrackQuery{From: q.Window.From, To: q.Window.To, BBox: q.BBox, Limit: q.Limit}, q.After)
			if err != nil {
				return nil, err
			}
			out := make([]ogc.Feature, len(pts))
			for i, pt := range pts {
				out[i] = toOGC(trackFeature(pt, crs(q.CRS.Name)))
			}
			return out, nil
		},
		Item: func(ctx context.Context, id string, c ogc.CRS) (ogc.Feature, error) {
			w, t, err := app.ParseTrackID(id)
			if err != nil {
				return ogc.Feature{}, err
			}
			pts, err := s.app.Fixes(ctx, p, data.TrackQuery{Worker: w, From: t, To: t.Add(time.Millisecond), Limit: 1}, "")
			if err != nil {
				return ogc.Feature{}, err
			}
			if len(pts) == 0 {
				return ogc.Feature{}, fmt.Errorf("server: fix %q: %w", id, data.ErrNotFound)
			}
			return toOGC(trackFeature(pts[0], crs(c.Name))), nil
		},
	}
}

// buildingFeature renders a building.
func buildingFeature(b partition.Building, c crs) feature {
	return feature{Type: "Feature", ID: string(b.ID), Geometry: outputGeometry(b.Geometry, c), Properties: map[string]any{
		"block": b.Block, "kind": b.Kind, "levels": b.Levels, "households": b.Households}}
}
