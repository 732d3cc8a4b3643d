package server

import (
	"net/http"
	"net/url"
	"strconv"
	"time"
	_ "time/tzdata" // ?tz= must work on hosts without a zone database

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/coverage/patrol"
	"wangge/partition"
)

// DefaultZone is the time zone of ?date= when ?tz= is absent: China
// Standard Time, the one zone of the country the grids are in.
const DefaultZone = "Asia/Shanghai"

// trajectoryAnswer is the body of GET /api/v1/workers/{id}/trajectory.
type trajectoryAnswer struct {
	Date    string                     `json:"date"`
	Zone    string                     `json:"tz"`
	Plan    partition.PlanID           `json:"plan,omitempty"` // the published plan the grids come from
	Grids   []partition.GridID         `json:"grids"`          // the worker's grids found in it
	Report  patrol.TrajectoryReport    `json:"report"`
	GeoJSON *geojson.FeatureCollection `json:"geojson"`
}

// getTrajectory answers GET /api/v1/workers/{id}/trajectory?date=&tz=:
// the worker's day analysed by patrol.Trajectory (trips, stops, distance,
// signal gaps, time inside and outside the worker's grids of the published
// plan) and the same as GeoJSON for a map (simplified line, stops, gaps).
// A worker reads only its own day, a leader only those of its grid's
// workers. stop_radius (m) and stop_minutes tune the stop rule; ?crs=
// gives the coordinates for Chinese basemaps.
func (s *Server) getTrajectory(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	q, err := parseTrajectoryParams(c.QueryParams())
	if err != nil {
		return err
	}
	from := time.Date(q.day.Year(), q.day.Month(), q.day.Day(), 0, 0, 0, 0, q.zone)
	day, err := s.app.WorkerDay(c.Request().Context(), principal(c), patrol.WorkerID(id), from, q.opts)
	if err != nil {
		return err
	}
	ans := trajectoryAnswer{Date: q.day.Format(time.DateOnly), Zone: q.zone.String(), Plan: day.Plan, Grids: day.Grids, Report: day.Report}
	outputTrajectory(&ans.Report, q.crs)
	ans.GeoJSON = ans.Report.GeoJSON()
	return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, ans)
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
	day  time.Time
	zone *time.Location
	crs  crs
	opts patrol.TrajectoryOptions
}

func parseTrajectoryParams(q url.Values) (trajectoryParams, error) {
	p := trajectoryParams{crs: crsWGS84}
	var date string
	zone := DefaultZone
	err := eachParam(q, []string{"date", "tz", "crs", "stop_radius", "stop_minutes"}, func(name, v string) error {
		switch name {
		case "crs":
			var err error
			p.crs, err = parseCRS(v)
			return err
		case "date":
			date = v
		case "tz":
			zone = v
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
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	if p.zone, err = parseZone(zone); err != nil {
		return p, err
	}
	if date == "" {
		return p, &ParamError{Param: "date", Value: date, Reason: "give the day as YYYY-MM-DD"}
	}
	if p.day, err = time.ParseInLocation(time.DateOnly, date, p.zone); err != nil {
		return p, &ParamError{Param: "date", Value: date, Reason: "want a day as YYYY-MM-DD"}
	}
	return p, nil
}

// parseZone reads ?tz=: an IANA zone name. "Local" is refused, since the
// server's zone is no business of the client's.
func parseZone(v string) (*time.Location, error) {
	loc, err := time.LoadLocation(v)
	if err != nil || v == "" || v == "Local" {
		return nil, &ParamError{Param: "tz", Value: v, Reason: "want an IANA time zone such as Asia/Shanghai or UTC"}
	}
	return loc, nil
}
