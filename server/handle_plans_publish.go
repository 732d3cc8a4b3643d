package server

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"wangge/partition"
)

// publishResponse answers a publish: the plan now in force and the plans
// it took over from, which are drafts again.
type publishResponse struct {
	Plan       planSummary        `json:"plan"`
	Superseded []partition.PlanID `json:"superseded"`
}

// publishPlan answers POST /api/v1/plans/{id}/publish: the plan becomes
// the one in force, and the plan that was published before goes back to
// draft (its Published time cleared, as a draft has none) so that exactly
// one plan is in force and the old one can be edited and published again;
// the audit log keeps when it was in force. Publishing the published plan
// changes nothing. New incidents are located in the grids of the plan in
// force; incidents already reported keep their grid.
func (s *Server) publishPlan(c echo.Context) error {
	p, unlock, err := s.lockPlan(c)
	if err != nil {
		return err
	}
	defer unlock()
	out := publishResponse{Superseded: []partition.PlanID{}}
	if p.Status == partition.PlanPublished {
		out.Plan = summarize(p)
		return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, out)
	}
	ctx := c.Request().Context()
	others, err := s.store.Plans(ctx)
	if err != nil {
		return fmt.Errorf("server: list plans: %w", err)
	}
	// The new plan goes in force first: if demoting the old one fails,
	// two plans are published for a moment and the newer one is used.
	p.Status, p.Published = partition.PlanPublished, time.Now().UTC().Truncate(time.Second)
	if err := s.store.PutPlan(ctx, p); err != nil {
		return fmt.Errorf("server: publish plan %q: %w", p.ID, err)
	}
	s.auditPlan(c, p.ID, "publish")
	for _, o := range others {
		if o.ID == p.ID || o.Status != partition.PlanPublished {
			continue
		}
		old, err := s.store.Plan(ctx, o.ID)
		if err != nil {
			return fmt.Errorf("server: plan %q in force before: %w", o.ID, err)
		}
		was := old.Published
		old.Status, old.Published = partition.PlanDraft, time.Time{}
		if err := s.store.PutPlan(ctx, old); err != nil {
			return fmt.Errorf("server: return plan %q to draft: %w", o.ID, err)
		}
		s.desk.forget(old.ID)
		s.auditPlan(c, old.ID, "unpublish", "superseded_by", p.ID, "published_since", was)
		out.Superseded = append(out.Superseded, old.ID)
	}
	out.Plan = summarize(p)
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, out)
}

// deletePlan answers DELETE /api/v1/plans/{id}. The plan in force cannot
// be deleted (publish another first): new incidents need its grids.
func (s *Server) deletePlan(c echo.Context) error {
	p, unlock, err := s.lockPlan(c)
	if err != nil {
		return err
	}
	defer unlock()
	if p.Status == partition.PlanPublished {
		return &ConflictError{Reason: fmt.Sprintf("plan %q is the plan in force; publish another plan before deleting it", p.ID)}
	}
	if err := s.store.DeletePlan(c.Request().Context(), p.ID); err != nil {
		return fmt.Errorf("server: delete plan %q: %w", p.ID, err)
	}
	s.desk.forget(p.ID)
	s.auditPlan(c, p.ID, "delete", "name", p.Name)
	return c.NoContent(http.StatusNoContent)
}

// lockPlan takes the lock of plan changes and reads the plan of the path;
// the caller unlocks when it is done (and need not on error).
func (s *Server) lockPlan(c echo.Context) (partition.Plan, func(), error) {
	if err := noQuery(c); err != nil {
		return partition.Plan{}, nil, err
	}
	s.desk.planMu.Lock()
	p, err := s.loadPlan(c)
	if err != nil {
		s.desk.planMu.Unlock()
		return p, nil, err
	}
	return p, s.desk.planMu.Unlock, nil
}

// auditPlan logs a plan change: who (the token id), which plan, what, and
// any details as key-value pairs.
func (s *Server) auditPlan(c echo.Context, id partition.PlanID, action string, details ...any) {
	args := append([]any{"audit", "plan", "token", tokenID(c), "plan", string(id), "action", action}, details...)
	s.logger(c).Info("plan changed", args...)
}

// planGrids answers GET /api/v1/plans/{id}/grids: the grids as a
// FeatureCollection with the properties of grids.geojson (DESIGN.md).
func (s *Server) planGrids(c echo.Context) error {
	crs, err := parseFeatureParams(c.QueryParams())
	if err != nil {
		return err
	}
	p, err := s.loadPlan(c)
	if err != nil {
		return err
	}
	fc := featureCollection{Type: "FeatureCollection", Features: make([]feature, len(p.Grids)), NumberReturned: len(p.Grids)}
	for i, g := range p.Grids {
		fc.Features[i] = gridFeature(g, crs)
	}
	return writeJSON(c, http.StatusOK, GeoJSONContentType, fc)
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
