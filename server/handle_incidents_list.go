package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/data"
	"wangge/internal/app"
	"wangge/partition"
)

// incidentStatuses are the statuses a status filter may name.
var incidentStatuses = []incident.Status{
	incident.StatusDiscovered, incident.StatusReported, incident.StatusAccepted, incident.StatusHandling,
	incident.StatusResolved, incident.StatusClosed, incident.StatusEscalated, incident.StatusReturned,
	incident.StatusRejected, incident.StatusDuplicate,
}

// parseIncidentQuery reads the filters of GET /api/v1/incidents: bbox,
// limit, after and crs as for blocks, from and to (a window on the report
// time, parseWindow), status (a comma list) and grid (the grid at report
// time).
func parseIncidentQuery(q url.Values, zone *time.Location) (data.IncidentQuery, listParams, error) {
	var iq data.IncidentQuery
	base := url.Values{}
	w, err := parseWindow(q, zone, []string{"bbox", "limit", "after", "crs", "status", "grid"}, func(name, v string) error {
		var err error
		switch name {
		case "status":
			iq.Status, err = parseStatuses(v)
		case "grid":
			iq.Grid = partition.GridID(v)
		default:
			base.Set(name, v)
		}
		return err
	})
	if err != nil {
		return iq, listParams{}, err
	}
	iq.From, iq.To = w.From, w.To
	p, err := parseListParams(base, DefaultLimit)
	iq.BBoxQuery = data.BBoxQuery{BBox: p.BBox, After: p.After, Limit: p.Limit + 1}
	return iq, p, err
}

// parseStatuses reads a comma list of incident statuses.
func parseStatuses(v string) ([]incident.Status, error) {
	var out []incident.Status
	for _, s := range strings.Split(v, ",") {
		st := incident.Status(strings.TrimSpace(s))
		if !slices.Contains(incidentStatuses, st) {
			names := make([]string, len(incidentStatuses))
			for i, x := range incidentStatuses {
				names[i] = string(x)
			}
			return nil, &ParamError{Param: "status", Value: v, Reason: fmt.Sprintf("%q is not a status; use %s", st, strings.Join(names, ", "))}
		}
		out = append(out, st)
	}
	return out, nil
}

// listIncidents answers GET /api/v1/incidents: a page of incidents ordered
// by id (ids start with the report time, so that is report order) as a
// FeatureCollection, with a next link while more may follow. Events are
// left out; GET /api/v1/incidents/{id} has them.
func (s *Server) listIncidents(c echo.Context) error {
	iq, p, err := parseIncidentQuery(c.QueryParams(), s.zone)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	incs, err := s.store.Incidents(ctx, iq)
	if err != nil {
		return fmt.Errorf("server: list incidents: %w", err)
	}
	pi, err := s.app.InForce(ctx)
	if err != nil {
		return err
	}
	more := len(incs) > p.Limit
	if more {
		incs = incs[:p.Limit]
	}
	fc := featureCollection{Type: "FeatureCollection", Features: make([]feature, len(incs)), NumberReturned: len(incs)}
	for i, inc := range incs {
		fc.Features[i] = incidentFeature(inc, pi, p.CRS, false)
	}
	if more {
		fc.Links = nextLink(c, string(incs[len(incs)-1].ID), GeoJSONContentType)
	}
	return writeJSON(c, http.StatusOK, GeoJSONContentType, fc)
}

// eventJSON is one event of an incident as the API sends it.
type eventJSON struct {
	Time  time.Time       `json:"time"`
	Actor string          `json:"actor"`
	From  incident.Status `json:"from,omitempty"`
	To    incident.Status `json:"to"`
	Level incident.Level  `json:"level"`
	Note  string          `json:"note,omitempty"`
}

// incidentFeature renders an incident as a Point Feature (null geometry
// when reported by address only). grid is the grid at report time and
// current_grid the one of the plan in force; events are included when
// asked for.
func incidentFeature(inc incident.Incident, pi *app.PlanIndex, c crs, events bool) feature {
	flags := inc.Flags
	if flags == nil {
		flags = []string{}
	}
	props := map[string]any{
		"category": inc.Category, "description": inc.Description, "address": inc.Address, "status": inc.Status,
		"level": inc.Level, "reporter": inc.Reporter, "grid": inc.Grid, "current_grid": currentGrid(inc, pi),
		"reported": inc.Reported, "updated": inc.Updated, "flags": flags,
	}
	if inc.MediaURL != "" {
		props["media_url"] = inc.MediaURL
	}
	if inc.Satisfied != nil {
		props["satisfied"], props["score"] = *inc.Satisfied, inc.Score
	}
	if inc.DuplicateOf != "" {
		props["duplicate_of"] = inc.DuplicateOf
	}
	if events {
		ev := make([]eventJSON, len(inc.Events))
		for i, e := range inc.Events {
			ev[i] = eventJSON{Time: e.Time, Actor: e.Actor, From: e.From, To: e.To, Level: e.Level, Note: e.Note}
		}
		props["events"] = ev
	}
	f := feature{Type: "Feature", ID: string(inc.ID), Properties: props}
	if !slices.Contains(inc.Flags, incident.FlagNoLocation) {
		f.Geometry = pointGeometry(inc.Location, c)
	}
	return f
}

// pointGeometry converts p into c and rounds it to 7 decimals.
func pointGeometry(p orb.Point, c crs) *geometry {
	if from, _ := c.conversions(); from != nil {
		p = from(p)
	}
	return &geometry{Type: "Point", Coordinates: orb.Point{roundCoord(p[0]), roundCoord(p[1])}}
}
