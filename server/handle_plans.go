package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/data"
	"wangge/internal/app"
	"wangge/partition"
)

// planRequest is the body of POST /api/v1/plans: the parameters of
// `wangge partition`, with the flag names in snake case.
type planRequest struct {
	Name       string  `json:"name"`
	Weight     string  `json:"weight"`
	Min        float64 `json:"min"`
	Max        float64 `json:"max"`
	Count      int     `json:"count"`
	Tolerance  float64 `json:"tolerance"`
	Dedicated  string  `json:"dedicated"` // FIELD=V1,V2,…
	Within     string  `json:"within"`
	Gap        float64 `json:"gap"`
	Seed       *uint64 `json:"seed"` // partition.DefaultSeed when absent
	CodePrefix string  `json:"code_prefix"`
}

// options turns the request into validated partition options.
func (r planRequest) options() (partition.Options, error) {
	o := partition.Options{Weight: r.Weight, Min: r.Min, Max: r.Max, Count: r.Count, Tolerance: r.Tolerance,
		Within: r.Within, Gap: r.Gap, Seed: partition.DefaultSeed, CodePrefix: r.CodePrefix}
	if r.Seed != nil {
		o.Seed = *r.Seed
	}
	if r.Dedicated != "" {
		var err error
		if o.DedicatedField, o.DedicatedValues, err = partition.ParseDedicated(r.Dedicated); err != nil {
			return o, err
		}
	}
	return o, o.Validate()
}

// planSummary describes a stored plan without its grids.
type planSummary struct {
	ID        partition.PlanID     `json:"id"`
	Name      string               `json:"name"`
	Status    partition.PlanStatus `json:"status"`
	Params    map[string]string    `json:"params"`
	Created   time.Time            `json:"created"`
	Published time.Time            `json:"published,omitzero"`
	Grids     int                  `json:"grids,omitempty"`
	Links     []link               `json:"links"`
}

func summarize(p partition.Plan) planSummary {
	self := APIPrefix + "/plans/" + string(p.ID)
	return planSummary{ID: p.ID, Name: p.Name, Status: p.Status, Params: p.Params, Created: p.Created,
		Published: p.Published, Grids: len(p.Grids), Links: []link{
			{Rel: "self", Href: self, Type: echo.MIMEApplicationJSON},
			{Rel: "grids", Href: self + "/grids", Type: GeoJSONContentType}}}
}

// planResponse is a plan's summary with the figures of its grids.
type planResponse struct {
	Plan   planSummary      `json:"plan"`
	Report partition.Report `json:"report"`
}

// createPlan answers POST /api/v1/plans: it draws a plan over every stored
// block with the parameters of the body and stores it as a draft. The
// response holds the report of the drawing, with the engine's notes on odd
// input; a request no plan can meet is a 400 naming why.
func (s *Server) createPlan(c echo.Context) error {
	var req planRequest
	if err := decodeBody(c.Request().Body, &req); err != nil {
		return err
	}
	opt, err := req.options()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	blocks, err := s.store.Blocks(ctx, data.BlockQuery{})
	if err != nil {
		return fmt.Errorf("server: read blocks: %w", err)
	}
	if len(blocks) == 0 {
		return &ConflictError{Reason: "the store holds no blocks to draw grids from; load them first (POST /api/v1/blocks or `wangge import blocks`)"}
	}
	start := time.Now()
	res, err := partition.Draw(ctx, app.EngineBlocks(blocks), opt)
	if err != nil {
		return err
	}
	res.Report.Seconds = time.Since(start).Seconds()
	created := time.Now().UTC().Truncate(time.Second)
	name := req.Name
	if name == "" {
		name = "plan of " + created.Format(time.DateOnly)
	}
	plan := res.Plan(partition.PlanID(app.NewID("plan", created)), name, opt, created)
	if err := s.app.PutPlan(ctx, principal(c), plan); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, APIPrefix+"/plans/"+string(plan.ID))
	return writeJSON(c, http.StatusCreated, echo.MIMEApplicationJSON, planResponse{Plan: summarize(plan), Report: res.Report})
}

// listPlans answers GET /api/v1/plans: a page of the plans in creation
// order, without grids (limit: DefaultLimit, at most MaxLimit; a next
// link while more follow).
func (s *Server) listPlans(c echo.Context) error {
	limit, after, err := parsePage(c.QueryParams())
	if err != nil {
		return err
	}
	plans, err := s.store.Plans(c.Request().Context())
	if err != nil {
		return fmt.Errorf("server: list plans: %w", err)
	}
	plans, more, err := pageAfter(plans, func(p partition.Plan) string { return string(p.ID) }, after, limit)
	if err != nil {
		return err
	}
	out := struct {
		Plans []planSummary `json:"plans"`
		Links []link        `json:"links,omitempty"`
	}{Plans: make([]planSummary, len(plans))}
	for i, p := range plans {
		out.Plans[i] = summarize(p)
	}
	if more {
		out.Links = nextLink(c, string(plans[len(plans)-1].ID), echo.MIMEApplicationJSON)
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, out)
}

// loadPlan reads the plan named by the path.
func (s *Server) loadPlan(c echo.Context) (partition.Plan, error) {
	return pathItem(c, "plan", s.store.Plan)
}

// getPlan answers GET /api/v1/plans/{id}: the summary and the figures of
// its grids, measured again from the stored grids (the drawing time and
// the engine's notes are only in the answer of the POST that drew it).
func (s *Server) getPlan(c echo.Context) error {
	if err := noQuery(c); err != nil {
		return err
	}
	p, err := s.loadPlan(c)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, planResponse{Plan: summarize(p), Report: planReport(p)})
}

// planReport computes the report of a stored plan: the bounds come from
// its parameters (the mean basic weight ± tolerance in count mode), the
// block count from its grids.
func planReport(p partition.Plan) partition.Report {
	var lo, hi, sum float64
	nBlocks, nBasic := 0, 0
	for _, g := range p.Grids {
		nBlocks += len(g.Blocks)
		if g.Kind == partition.Basic {
			sum += g.Weight
			nBasic++
		}
	}
	if opt, err := partition.OptionsFromParams(p.Params); err == nil {
		lo, hi = opt.Min, opt.Max
		if opt.CountMode() && nBasic > 0 {
			mean := sum / float64(nBasic)
			lo, hi = mean*(1-opt.Tolerance), mean*(1+opt.Tolerance)
		}
	}
	return partition.Summarize(p.Grids, nBlocks, lo, hi)
}

// noQuery refuses query parameters on a route that takes none, so that a
// misspelt filter is not silently ignored.
func noQuery(c echo.Context) error {
	q := c.QueryParams()
	if names := slices.Sorted(maps.Keys(q)); len(names) > 0 {
		return &ParamError{Param: names[0], Value: strings.Join(q[names[0]], "&"), Reason: "this route takes no query parameters"}
	}
	return nil
}

// decodeBody reads one JSON object into v, refusing unknown fields and
// trailing data, and names the field at fault.
func decodeBody(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	var te *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &mbe):
		return err
	case errors.As(err, &te):
		return &BodyError{Field: te.Field, Reason: jsonReason(err)}
	}
	return &BodyError{Reason: "the body is not the JSON object this route takes: " + jsonReason(err)}
}
