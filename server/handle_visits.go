package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"wangge/partition"
)

// Look-back of the stops that count as visits, in days: a week by
// default (the patrol week), at most a quarter, so that one request reads
// a bounded share of the track table. Visits found are stored, so places
// with longer intervals keep the visits earlier requests found.
const (
	defaultVisitDays = 7
	maxVisitDays     = 92
)

// getOverdue answers GET /api/v1/visits/overdue[?grid=&days=]: the key
// places past their visit interval or never visited, per grid, after the
// visits of the last days were brought up to date (app.OverdueVisits). A
// leader sees only its own grid; an admin every grid, or the one of ?grid=.
func (s *Server) getOverdue(c echo.Context) error {
	grid, days, err := parseOverdueParams(c.QueryParams())
	if err != nil {
		return err
	}
	ans, err := s.app.OverdueVisits(c.Request().Context(), principal(c), grid, days)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, ans)
}

// parseOverdueParams reads grid and days.
func parseOverdueParams(q url.Values) (partition.GridID, int, error) {
	var grid partition.GridID
	days := defaultVisitDays
	err := eachParam(q, []string{"grid", "days"}, func(name, v string) error {
		if name == "grid" {
			grid = partition.GridID(v)
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxVisitDays {
			return &ParamError{Param: name, Value: v, Reason: fmt.Sprintf("want whole days of stops to look back, 1 to %d (default %d)", maxVisitDays, defaultVisitDays)}
		}
		days = n
		return nil
	})
	return grid, days, err
}
