package server

import (
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"wangge/coverage/patrol"
	"wangge/coverage/workload"
	"wangge/internal/window"
	"wangge/partition"
)

// getWorkLog answers GET /api/v1/workers/{id}/log?date=&tz=: the
// worker's work log of that day (app.WorkLog). A worker reads only its
// own, a leader those of its grid's workers.
func (s *Server) getWorkLog(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	var date, tz string
	err = eachParam(c.QueryParams(), []string{"date", "tz"}, func(name, v string) error {
		if name == "date" {
			date = v
		} else {
			tz = v
		}
		return nil
	})
	if err != nil {
		return err
	}
	zone := s.zone
	if tz != "" {
		if zone, err = parseZone(tz); err != nil {
			return err
		}
	}
	day, err := parseDay(date, zone)
	if err != nil {
		return err
	}
	l, err := s.app.WorkLog(c.Request().Context(), principal(c), patrol.WorkerID(id), day)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, l)
}

// getAssessment answers GET /api/v1/reports/assessment?month=&grid=&format=&lang=:
// the monthly assessment sheet (app.Assessment) of the full-time workers
// of a leader's grid, or, for an admin, of ?grid= or every grid. format
// is json (the default), csv or xlsx; lang the language of the headers
// of csv and xlsx (zh by default, or en).
func (s *Server) getAssessment(c echo.Context) error {
	var month, format, lang string
	var grid partition.GridID
	err := eachParam(c.QueryParams(), []string{"month", "grid", "format", "lang"}, func(name, v string) error {
		switch name {
		case "month":
			month = v
		case "grid":
			grid = partition.GridID(v)
		case "format":
			if v != "json" && v != "csv" && v != "xlsx" {
				return &ParamError{Param: name, Value: v, Reason: "want json, csv or xlsx"}
			}
			format = v
		case "lang":
			if v != string(workload.Zh) && v != string(workload.En) {
				return &ParamError{Param: name, Value: v, Reason: "want zh or en"}
			}
			lang = v
		}
		return nil
	})
	if err != nil {
		return err
	}
	if month == "" {
		return &ParamError{Param: "month", Reason: "give the month as YYYY-MM"}
	}
	if _, err := window.Month(month, s.zone); err != nil {
		return windowParam(err)
	}
	sheet, err := s.app.Assessment(c.Request().Context(), principal(c), month, grid)
	if err != nil {
		return err
	}
	name := "assessment-" + month
	if grid != "" {
		name += "-" + path.Base(string(grid))
	}
	var b strings.Builder
	switch format {
	case "csv":
		if err := sheet.WriteCSV(&b, workload.Lang(lang)); err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", []byte(b.String()))
	case "xlsx":
		if err := sheet.WriteXLSX(&b, workload.Lang(lang)); err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.xlsx"`)
		return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []byte(b.String()))
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, sheet)
}

// getLoads answers GET /api/v1/reports/load?from=&to=: the weekly
// workload of every grid of the plan in force, estimated and measured
// over the window (the 4 weeks before now by default), overloaded grids
// flagged (app.Loads).
func (s *Server) getLoads(c echo.Context) error {
	w, err := parseWindow(c.QueryParams(), s.zone, []string{"from", "to"}, nil)
	if err != nil {
		return err
	}
	if w.To.IsZero() {
		w.To = s.app.Now()
	}
	if w.From.IsZero() {
		w.From = w.To.AddDate(0, 0, -28)
	}
	r, err := s.app.Loads(c.Request().Context(), w)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, r)
}
