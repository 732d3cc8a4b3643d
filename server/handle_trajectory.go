package server

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/coverage/patrol"
	"wangge/internal/window"
	"wangge/partition"
)

// trajectoryAnswer is the body of GET /api/v1/workers/{id}/trajectory: a
// GeoJSON FeatureCollection (patrol.TrajectoryReport.GeoJSON: the line
// with the time of each point, the stops, the gaps) that GDAL and web maps
// open as it is, with the day and its figures as foreign members (RFC 7946
// §6.1).
type trajectoryAnswer struct {
	Type     string                  `json:"type"` // FeatureCollection
	Date     string                  `json:"date"`
	Zone     string                  `json:"tz"`
	Plan     partition.PlanID        `json:"plan,omitempty"` // the published plan the grids come from
	Grids    []partition.GridID      `json:"grids"`          // the worker's grids found in it
	Report   patrol.TrajectoryReport `json:"report"`
	Features []*geojson.Feature      `json:"features"`
}

// getTrajectory answers GET /api/v1/workers/{id}/trajectory?date=&tz=:
// the worker's day analysed by patrol.Trajectory (trips, stops, distance,
// signal gaps, time inside and outside the worker's grids of the published
// plan), as GeoJSON for a map (simplified line with a time for each point,
// stops, gaps).
// A worker reads only its own day, a leader only those of its grid's
// workers. stop_radius (m) and stop_minutes tune the stop rule; ?crs=
// gives the coordinates for Chinese basemaps.
func (s *Server) getTrajectory(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	q, err := parseTrajectoryParams(c.QueryParams(), s.zone)
	if err != nil {
		return err
	}
	day, err := s.app.WorkerDay(c.Request().Context(), principal(c), patrol.WorkerID(id), q.day, q.opts)
	if err != nil {
		return err
	}
	ans := trajectoryAnswer{Type: "FeatureCollection", Date: q.day.From.Format(time.DateOnly), Zone: q.zone.String(),
		Plan: day.Plan, Grids: day.Grids, Report: day.Report}
	outputTrajectory(&ans.Report, q.crs)
	// Lists as [] rather than null when empty, so clients may count them.
	r := &ans.Report
	r.Trips, r.Stops, r.Gaps = nonNil(r.Trips), nonNil(r.Stops), nonNil(r.Gaps)
	ans.Features = ans.Report.GeoJSON().Features
	return writeJSON(c, http.StatusOK, GeoJSONContentType, ans)
}

// outputTrajectory puts the coordinates of r into c, rounded to 7
// decimals as every answer of the API, after the figures were computed in
// WGS-84.
func outputTrajectory(r *patrol.TrajectoryReport, c crs) {
	from, _ := c.conversions()
	out := func(p orb.Point) orb.Point {
		if from != nil {
			p = from(p)
		}
		return orb.Point{roundCoord(p[0]), roundCoord(p[1])}
	}
	for i, p := range r.Line {
		r.Line[i] = out(p)
	}
	for i := range r.Stops {
		r.Stops[i].Center = out(r.Stops[i].Center)
	}
	for i := range r.Gaps {
		r.Gaps[i].From, r.Gaps[i].To = out(r.Gaps[i].From), out(r.Gaps[i].To)
	}
}

// trajectoryParams are the query of the trajectory route.
type trajectoryParams struct {
	day  window.Window
	zone *time.Location
	crs  crs
	opts patrol.TrajectoryOptions
}

// parseTrajectoryParams reads date (a day in tz, parseDay), tz (zone when
// absent), crs, stop_radius, stop_minutes and stop_silence
// (patrol.TrajectoryOptions.StopSilence; absent is off).
func parseTrajectoryParams(q url.Values, zone *time.Location) (trajectoryParams, error) {
	p := trajectoryParams{crs: crsWGS84, zone: zone}
	var date, tz string
	err := eachParam(q, []string{"date", "tz", "crs", "stop_radius", "stop_minutes", "stop_silence"}, func(name, v string) error {
		switch name {
		case "crs":
			var err error
			p.crs, err = parseCRS(v)
			return err
		case "date":
			date = v
		case "tz":
			tz = v
		case "stop_radius":
			r, err := strconv.ParseFloat(v, 64)
			if err != nil || !(r > 0 && r <= 1000) {
				return &ParamError{Param: name, Value: v, Reason: "want metres, more than 0 and at most 1000"}
			}
			p.opts.StopRadius = r
		case "stop_minutes":
			m, err := strconv.ParseFloat(v, 64)
			if err != nil || !(m > 0 && m <= 24*60) {
				return &ParamError{Param: name, Value: v, Reason: "want minutes, more than 0 and at most a day"}
			}
			p.opts.StopMinDuration = time.Duration(m * float64(time.Minute))
		case "stop_silence":
			m, err := strconv.ParseFloat(v, 64)
			if err != nil || !(m >= 0 && m <= 24*60) {
				return &ParamError{Param: name, Value: v, Reason: "want minutes, 0 (off) to a day"}
			}
			p.opts.StopSilence = time.Duration(m * float64(time.Minute))
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	if tz != "" {
		if p.zone, err = parseZone(tz); err != nil {
			return p, err
		}
	}
	p.day, err = parseDay(date, p.zone)
	return p, err
}

// nonNil is s, or an empty slice when s is nil.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
