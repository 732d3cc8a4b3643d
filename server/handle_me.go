package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
)

// meAnswer is the body of GET /api/v1/me: the role and scope of the
// token, so that a client (the map page) shows what the policy lets it
// see. Never the secret or its hash.
type meAnswer struct {
	Role   data.Role        `json:"role"`
	Grid   partition.GridID `json:"grid,omitempty"`   // a leader's grid
	Worker patrol.WorkerID  `json:"worker,omitempty"` // a worker's own id
}

// getMe answers GET /api/v1/me.
func (s *Server) getMe(c echo.Context) error {
	if err := noQuery(c); err != nil {
		return err
	}
	p := principal(c)
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, meAnswer{Role: p.Role, Grid: p.Grid, Worker: p.Worker})
}
