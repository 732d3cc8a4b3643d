package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/internal/app"
	"wangge/internal/window"
	"wangge/partition"
)

// incidentsIn reads every incident reported in the window.
func (s *Server) incidentsIn(ctx context.Context, w window.Window) ([]incident.Incident, error) {
	incs, err := s.store.Incidents(ctx, data.IncidentQuery{From: w.From, To: w.To})
	if err != nil {
		return nil, fmt.Errorf("server: read incidents: %w", err)
	}
	return incs, nil
}

// incidentsAndPlan reads the incidents of the window and the index of the
// plan in force (nil when none is published).
func (s *Server) incidentsAndPlan(ctx context.Context, w window.Window) ([]incident.Incident, *app.PlanIndex, error) {
	incs, err := s.incidentsIn(ctx, w)
	if err != nil {
		return nil, nil, err
	}
	pi, err := s.app.InForce(ctx)
	return incs, pi, err
}

// statsResponse is the answer of GET /api/v1/stats/incidents.
type statsResponse struct {
	By   incident.GroupBy    `json:"by"`
	From time.Time           `json:"from,omitzero"`
	To   time.Time           `json:"to,omitzero"`
	Plan partition.PlanID    `json:"plan,omitempty"` // whose grids give the communities
	Rows []incident.StatsRow `json:"rows"`
}

// incidentStats answers GET /api/v1/stats/incidents?by=grid|community|
// worker|none&from&to: counts by status and level, local settlement,
// escalations, times to accept and resolve, overdue incidents against the
// categories' limits and satisfaction (incident.Stats). Communities are the
// parents of the grids of the plan in force.
func (s *Server) incidentStats(c echo.Context) error {
	by := incident.GroupNone
	w, err := parseWindow(c.QueryParams(), s.zone, []string{"by"}, func(name, v string) error {
		var err error
		if by, err = incident.ParseGroupBy(v); err != nil {
			return &ParamError{Param: name, Value: v, Reason: "want grid, community, worker or none"}
		}
		return nil
	})
	if err != nil {
		return err
	}
	incs, pi, err := s.incidentsAndPlan(c.Request().Context(), w)
	if err != nil {
		return err
	}
	q := incident.StatsQuery{By: by, From: w.From, To: w.To, Limits: s.desk.limits}
	out := statsResponse{By: by, From: w.From, To: w.To}
	if pi != nil {
		q.Parents, out.Plan = pi.Locator().Parents(), pi.Plan().ID
	}
	if out.Rows, err = incident.Stats(incs, q, time.Now()); err != nil {
		return err
	}
	if out.Rows == nil {
		out.Rows = []incident.StatsRow{}
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, out)
}

// hotspots answers GET /api/v1/incidents/hotspots?res=&from&to&step:
// incidents per H3 cell (resolution res, 9 by default: cells of about
// 0.1 km²) and, with step (a Go duration such as 24h), per period from
// from, as a FeatureCollection: the cell (and the period's start) as the
// feature id, outlines counter-clockwise at 7 decimals, ?crs=gcj02|bd09
// for Chinese basemaps.
func (s *Server) hotspots(c echo.Context) error {
	q := incident.HotspotQuery{Resolution: 9}
	out := crsWGS84
	w, err := parseWindow(c.QueryParams(), s.zone, []string{"res", "step", "crs"}, func(name, v string) error {
		switch name {
		case "crs":
			var err error
			out, err = parseCRS(v)
			return err
		case "res":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 15 {
				return &ParamError{Param: name, Value: v, Reason: "want an H3 resolution from 0 to 15"}
			}
			q.Resolution = n
		case "step":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return &ParamError{Param: name, Value: v, Reason: "want a positive duration such as 24h or 168h"}
			}
			q.Step = d
		}
		return nil
	})
	if err != nil {
		return err
	}
	if q.Step > 0 && w.From.IsZero() {
		return &ParamError{Param: "step", Value: c.QueryParam("step"), Reason: "periods are counted from from: give from too"}
	}
	q.From, q.To = w.From, w.To
	incs, err := s.incidentsIn(c.Request().Context(), w)
	if err != nil {
		return err
	}
	fc, err := incident.Hotspots(incs, q)
	if err != nil {
		return err
	}
	res := featureCollection{Type: "FeatureCollection", Features: make([]feature, len(fc.Features)), NumberReturned: len(fc.Features)}
	for i, f := range fc.Features {
		id, _ := f.Properties["cell"].(string)
		if start, ok := f.Properties["start"].(string); ok {
			id += "/" + start // one feature per cell and period
		}
		res.Features[i] = feature{Type: "Feature", ID: id, Properties: f.Properties}
		if poly, ok := f.Geometry.(orb.Polygon); ok {
			res.Features[i].Geometry = outputGeometry(orb.MultiPolygon{poly}, out)
		}
	}
	return writeJSON(c, http.StatusOK, GeoJSONContentType, res)
}

// loadsResponse is the answer of GET /api/v1/stats/loads.
type loadsResponse struct {
	Plan  partition.PlanID    `json:"plan,omitempty"`
	From  time.Time           `json:"from,omitzero"`
	To    time.Time           `json:"to,omitzero"`
	Grids []incident.GridLoad `json:"grids"`
}

// gridLoads answers GET /api/v1/stats/loads?from&to: incidents per grid of
// the plan in force (by the grid at report time) per 1,000 households of
// the grid's blocks, the workload signal for redrawing grids.
func (s *Server) gridLoads(c echo.Context) error {
	w, err := parseWindow(c.QueryParams(), s.zone, nil, nil)
	if err != nil {
		return err
	}
	incs, pi, err := s.incidentsAndPlan(c.Request().Context(), w)
	if err != nil {
		return err
	}
	out := loadsResponse{From: w.From, To: w.To}
	var hh map[partition.GridID]int
	if pi != nil {
		out.Plan, hh = pi.Plan().ID, pi.Households()
	}
	out.Grids = incident.GridLoads(incs, hh, w.From, w.To)
	if out.Grids == nil {
		out.Grids = []incident.GridLoad{}
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, out)
}
