package server

import (
	"context"
	"math"
	"net/http"

	"github.com/labstack/echo/v4"

	"wangge/data"
	"wangge/partition"
)

// publishResponse answers a publish: the plan now in force and the plans
// it took over from, which are drafts again.
type publishResponse struct {
	Plan       planSummary        `json:"plan"`
	Superseded []partition.PlanID `json:"superseded"`
}

// publishPlan answers POST /api/v1/plans/{id}/publish[?force=true]: the
// plan becomes the one in force and the plan published before becomes
// superseded, in one transaction of the store (app.PublishPlan). A plan
// with errors is refused (409, the problem document's "problems" lists
// them) unless force=true. Publishing the published plan changes nothing.
func (s *Server) publishPlan(c echo.Context) error {
	force, err := onlyBool(c, "force")
	if err != nil {
		return err
	}
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	pub, err := s.app.PublishPlan(c.Request().Context(), principal(c), partition.PlanID(id), force)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, publishResponse{Plan: summarize(pub.Plan), Superseded: pub.Superseded})
}

// deletePlan answers DELETE /api/v1/plans/{id}. The plan in force cannot
// be deleted (publish another first): new incidents need its grids.
func (s *Server) deletePlan(c echo.Context) error {
	if err := noQuery(c); err != nil {
		return err
	}
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.app.DeletePlan(c.Request().Context(), principal(c), partition.PlanID(id)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// planGrids answers GET /api/v1/plans/{id}/grids: the grids in id order
// whose bounds meet bbox, as a FeatureCollection with the properties of
// grids.geojson (DESIGN.md), paged as every feature list but for the
// default limit, MaxLimit: every grid of any real plan at once, so that
// the answer is the plan's grids file.
func (s *Server) planGrids(c echo.Context) error {
	p, err := s.loadPlan(c)
	if err != nil {
		return err
	}
	grids := sortedGrids(p)
	return listFeatures(c, "grids", MaxLimit, func(_ context.Context, q data.BBoxQuery) ([]partition.Grid, error) {
		return gridsIn(grids, q.BBox, partition.GridID(q.After), q.Limit), nil
	}, func(g partition.Grid) string { return string(g.ID) }, gridFeature)
}

// gridFeature renders a grid with the properties of grids.geojson: id,
// kind, blocks, weight, area_m2, perimeter_m, polsby_popper, hull_ratio,
// parent (when the plan was drawn --within a field), flags (always an
// array) and locked (when locked), figures rounded as partition.WriteGrids
// rounds them.
func gridFeature(g partition.Grid, c crs) feature {
	flags := g.Flags
	if flags == nil {
		flags = []string{}
	}
	blocks := g.Blocks
	if blocks == nil {
		blocks = []partition.BlockID{}
	}
	props := map[string]any{
		"id": string(g.ID), "kind": string(g.Kind), "blocks": blocks, "weight": g.Weight,
		"area_m2": roundTo(g.AreaM2, 100), "perimeter_m": roundTo(g.PerimeterM, 100),
		"polsby_popper": roundTo(g.PolsbyPopper, 1e4), "hull_ratio": roundTo(g.HullRatio, 1e4), "flags": flags,
	}
	if g.Parent != "" {
		props["parent"] = g.Parent
	}
	if g.Locked {
		props["locked"] = true
	}
	return feature{Type: "Feature", ID: string(g.ID), Geometry: outputGeometry(g.Geometry, c), Properties: props}
}

// roundTo rounds x to 1/scale.
func roundTo(x, scale float64) float64 { return math.Round(x*scale) / scale }
