package server

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
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
	if !s.desk.knows(r.Category) {
		return d, &BodyError{Field: "category", Reason: fmt.Sprintf("%q is not a configured category; "+
			"GET /open311/v2/services.json lists the codes", r.Category)}
	}
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

// knows reports whether code is a configured category.
func (d *desk) knows(code string) bool {
	for _, c := range d.categories {
		if c.Code == code {
			return true
		}
	}
	return false
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
	actor, err := s.actor(c)
	if err != nil {
		return err
	}
	if req.Reporter != "" && req.Reporter != actor.Worker {
		if actor.Role == incident.ActorWorker {
			return &ScopeError{Reason: fmt.Sprintf("a worker token reports in its own name (%s), not as %s", actor.Worker, req.Reporter)}
		}
		actor.Worker = req.Reporter
	}
	inc, pi, err := s.file(c, d, actor, req.Note)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, APIPrefix+"/incidents/"+string(inc.ID))
	return writeJSON(c, http.StatusCreated, GeoJSONContentType, incidentFeature(inc, pi, crs, true))
}

// file creates and stores an incident from a draft: located in the grids
// of the plan in force (returned too; nil when no plan is published) and
// given a new id.
func (s *Server) file(c echo.Context, d incident.Incident, actor incident.Actor, note string) (incident.Incident, *planIndex, error) {
	ctx := c.Request().Context()
	pi, err := s.inForce(ctx)
	if err != nil {
		return incident.Incident{}, nil, err
	}
	var locator incident.GridLocator
	if pi != nil {
		locator = pi.grids
	}
	at := now()
	d.ID = incident.ID(newID("inc", at))
	inc, err := incident.Create(d, actor, at, note, locator)
	if err != nil {
		return inc, nil, err
	}
	if err := s.store.PutIncidents(ctx, []incident.Incident{inc}); err != nil {
		return inc, nil, fmt.Errorf("server: store incident: %w", err)
	}
	s.logger(c).Info("incident reported", "incident", string(inc.ID), "grid", string(inc.Grid), "actor", actor.String(), "token", tokenID(c))
	return inc, pi, nil
}

// now is the time of a report or transition, to the millisecond, which
// both stores keep exactly.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

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
	pi, err := s.inForce(c.Request().Context())
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
	actor, err := s.actor(c)
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
	defer s.desk.lockIncident(incident.ID(id))()
	inc, err := s.loadIncident(c)
	if err != nil {
		return err
	}
	if err := incident.Transition(&inc, req.To, actor, now(), req.Note, opts...); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.store.PutIncidents(ctx, []incident.Incident{inc}); err != nil {
		return fmt.Errorf("server: store incident: %w", err)
	}
	s.logger(c).Info("incident moved", "incident", string(inc.ID), "to", string(req.To), "token", tokenID(c))
	pi, err := s.inForce(ctx)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, GeoJSONContentType, incidentFeature(inc, pi, crs, true))
}

// currentGrid is the grid of the plan in force holding the incident now.
func currentGrid(inc incident.Incident, pi *planIndex) partition.GridID {
	if pi == nil {
		return ""
	}
	g, _ := incident.CurrentGrid(inc, pi.grids)
	return g
}
