package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"wangge/internal/app"
	"wangge/partition"
)

// editRequest is the body of POST /api/v1/plans/{id}/edits: the plan's
// grids with the blocks each holds after the planner's moves, and which
// are locked.
type editRequest struct {
	Name  string `json:"name"`
	Grids []struct {
		ID     partition.GridID    `json:"id"`
		Blocks []partition.BlockID `json:"blocks"`
		Locked bool                `json:"locked"`
	} `json:"grids"`
}

// saveEdit answers POST /api/v1/plans/{id}/edits: the edited grids of
// plan id stored as a new draft (app.SaveEdit recomputes their geometry,
// figures and flags from the stored blocks), 201 with its summary and a
// Location; plan id itself is unchanged. Every block of the plan must be
// in one grid of the body (400 naming the block otherwise).
func (s *Server) saveEdit(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	var req editRequest
	if err := decodeBody(c.Request().Body, &req); err != nil {
		return err
	}
	grids := make([]app.GridBlocks, len(req.Grids))
	for i, g := range req.Grids {
		grids[i] = app.GridBlocks{ID: g.ID, Blocks: g.Blocks, Locked: g.Locked}
	}
	plan, err := s.app.SaveEdit(c.Request().Context(), principal(c), partition.PlanID(id), req.Name, grids)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, APIPrefix+"/plans/"+string(plan.ID))
	return writeJSON(c, http.StatusCreated, echo.MIMEApplicationJSON, summarize(plan))
}
