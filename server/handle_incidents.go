package server

import (
	"fmt"
	"math"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/internal/access"
	"wangge/internal/app"
	"wangge/partition"
)

// incidentRequest is the body of POST /api/v1/incidents. Location is
// [lon, lat] in the crs of the query (WGS-84 by default); without it the
// address is required and the incident is flagged no_location.
type incidentRequest struct {
	Category    string          `json:"category"`
	Description string          `json:"description"`
	Address     string          `json:"address"`
	MediaURL    string          `json:"media_url"`
	Location    *[2]float64     `json:"location"`
	Status      incident.Status `json:"status"` // discovered or reported (the default)
	Note        string          `json:"note"`
	Reporter    patrol.WorkerID `json:"reporter"` // reporting for someone else (leader, admin)
}

// draft checks the request and turns it into a draft for incident.Create.
func (s *Server) draft(r incidentRequest, c crs) (incident.Incident, error) {
	d := incident.Incident{Category: r.Category, Description: r.Description, Address: r.Address,
		MediaURL: r.MediaURL, Status: r.Status}
	if r.Status != "" && r.Status != incident.StatusReported && r.Status != incident.StatusDiscovered {
		return d, &BodyError{Field: "status", Reason: fmt.Sprintf("%q: a new incident is reported (the default) or discovered", r.Status)}
	}
	if r.Location == nil {
		if r.Address == "" {
			return d, &BodyError{Field: "location", Reason: "give the location as [lon, lat], or an address"}
		}
		d.Flags = []string{incident.FlagNoLocation}
		return d, nil
	}
	p := orb.Point(*r.Location)
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 {
		return d, &BodyError{Field: "location", Reason: fmt.Sprintf("[%v, %v] is not a [lon, lat] position in degrees", p[0], p[1])}
	}
	if _, to := c.conversions(); to != nil {
		p = to(p)
	}
	d.Location = p
	return d, nil
}

// createIncident answers POST /api/v1/incidents: the incident is located
// in a grid of the plan in force (kept even if a later plan moves the
// boundary), started at grid level or, outside every grid, flagged and
// started at street level. A worker reports in its own name only.
func (s *Server) createIncident(c echo.Context) error {
	crs, err := parseFeatureParams(c.QueryParams())
	if err != nil {
		return err
	}
	var req incidentRequest
	if err := decodeBody(c.Request().Body, &req); err != nil {
		return err
	}
	d, err := s.draft(req, crs)
	if err != nil {
		return err
	}
	p := principal(c)
	actor, err := s.app.Actor(c.Request().Context(), p)
	if err != nil {
		return err
	}
	if req.Reporter != "" && req.Reporter != actor.Worker {
		if err := access.Check(p, access.Write, access.ReportAs(req.Reporter)); err != nil {
			return err
		}
		actor.Worker = req.Reporter
	}
	f, err := s.app.FileIncident(c.Request().Context(), d, actor, req.Note)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, APIPrefix+"/incidents/"+string(f.Incident.ID))
	return writeJSON(c, http.StatusCreated, GeoJSONContentType, incidentFeature(f.Incident, f.Plan, crs, true))
}

// getIncident answers GET /api/v1/incidents/{id}: one Feature with its
// events and the grid that holds its location in the plan in force.
func (s *Server) getIncident(c echo.Context) error {
	crs, err := parseFeatureParams(c.QueryParams())
	if err != nil {
		return err
	}
	inc, err := s.loadIncident(c)
	if err != nil {
		return err
	}
	pi, err := s.app.InForce(c.Request().Context())
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, GeoJSONContentType, incidentFeature(inc, pi, crs, true))
}

// loadIncident reads the incident named by the path.
func (s *Server) loadIncident(c echo.Context) (incident.Incident, error) {
	return pathItem(c, "incident", s.store.Incident)
}

// transitionRequest is the body of POST /api/v1/incidents/{id}/transitions.
type transitionRequest struct {
	To          incident.Status `json:"to"`
	Note        string          `json:"note"`
	Satisfied   *bool           `json:"satisfied"` // closing: the resident's feedback …
	Score       int             `json:"score"`     // … and score 1–5
	DuplicateOf incident.ID     `json:"duplicate_of"`
}

// transitionIncident answers POST /api/v1/incidents/{id}/transitions: the
// token's actor moves the incident; an edge the state machine lacks is a
// 409 with the reason, an actor who may not take it a 403. The event is
// appended to the stored log, which is never rewritten.
func (s *Server) transitionIncident(c echo.Context) error {
	crs, err := parseFeatureParams(c.QueryParams())
	if err != nil {
		return err
	}
	var req transitionRequest
	if err := decodeBody(c.Request().Body, &req); err != nil {
		return err
	}
	if req.To == "" {
		return &BodyError{Field: "to", Reason: "name the status to move to"}
	}
	ctx := c.Request().Context()
	actor, err := s.app.Actor(ctx, principal(c))
	if err != nil {
		return err
	}
	var opts []incident.TransitionOption
	if req.Satisfied != nil || req.Score != 0 {
		opts = append(opts, incident.WithFeedback(req.Satisfied != nil && *req.Satisfied, req.Score))
	}
	if req.DuplicateOf != "" {
		opts = append(opts, incident.WithDuplicateOf(req.DuplicateOf))
	}
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	inc, err := s.app.MoveIncident(ctx, incident.ID(id), req.To, actor, req.Note, opts...)
	if err != nil {
		return err
	}
	pi, err := s.app.InForce(ctx)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, GeoJSONContentType, incidentFeature(inc, pi, crs, true))
}

// currentGrid is the grid of the plan in force holding the incident now.
func currentGrid(inc incident.Incident, pi *app.PlanIndex) partition.GridID {
	if pi == nil {
		return ""
	}
	g, _ := incident.CurrentGrid(inc, pi.Locator())
	return g
}
