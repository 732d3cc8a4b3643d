package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// pingTimeout bounds the store check of /healthz, so that a hung database
// makes the check fail instead of hang.
const pingTimeout = 3 * time.Second

// health is the status of the service as /healthz reports it.
type health struct {
	Status string `json:"status"`
	Store  string `json:"store"`
}

// health answers GET /healthz: 200 when the store answers a ping and
// takes a write (Store.CheckWrite: a full disk or a read-only store must
// not look healthy), else a 503 problem. It needs no token, for load balancers and orchestrators.
func (s *Server) health(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), pingTimeout)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.logger(c).Warn("health check: store ping failed", "err", err)
		return fmt.Errorf("%w: store ping: %w", ErrUnavailable, err)
	}
	if err := s.store.CheckWrite(ctx); err != nil {
		s.logger(c).Warn("health check: the store cannot write", "err", err)
		return fmt.Errorf("%w: store write check: %w", ErrUnavailable, err)
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, health{Status: "ok", Store: "ok"})
}
