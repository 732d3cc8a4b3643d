package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/coverage"
	"wangge/partition"
)

// Limits of the coverage route, so that one request stays a district
// report: H3 resolutions 8 (0.74 km² cells) to 13 (44 m²), buffers up to
// 500 m, windows up to 92 days (a quarter), one week by default.
const (
	minCoverageRes   = 8
	maxCoverageRes   = 13
	maxCoverageBuf   = 500.0
	maxCoverageSpan  = 92 * 24 * time.Hour
	defaultCovWindow = 7 * 24 * time.Hour
)

// coverageAnswer is a GeoJSON FeatureCollection of the grid's gaps (the
// uncovered cells dissolved into polygons) with the figures beside the
// features, as a foreign member (RFC 7946 §6.1).
type coverageAnswer struct {
	Type     string         `json:"type"`
	Features []feature      `json:"features"`
	Report   coverageFigure `json:"report"`
}

// coverageFigure is the report of coverage.Coverage for one grid.
type coverageFigure struct {
	Grid   partition.GridID         `json:"grid"`
	Plan   partition.PlanID         `json:"plan"`
	Res    int                      `json:"res"`
	Buffer float64                  `json:"buffer_m"`
	From   time.Time                `json:"from"`
	To     time.Time                `json:"to"`
	Fixes  int                      `json:"fixes"`
	Days   int                      `json:"days"`
	Cover  coverage.GridCoverage    `json:"coverage"`
	Blocks []coverage.BlockCoverage `json:"blocks"`
}

// getCoverage answers GET /api/v1/grids/{id}/coverage?from=&to=&res=&buffer=
// for a grid of the published plan: which H3 cells of it the tracks of
// every worker came within the buffer of in [from, to)
// (coverage.Coverage), the covered share of the grid and of each of its
// blocks, and the gaps (or, with ?layer=heat, the visit heat of the
// covered cells) as GeoJSON. A leader may ask only for its own grid.
func (s *Server) getCoverage(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	opts, out, err := parseCoverageParams(c.QueryParams(), time.Now(), s.zone)
	if err != nil {
		return err
	}
	gc, err := s.app.GridCoverage(c.Request().Context(), principal(c), partition.GridID(id), opts)
	if err != nil {
		return err
	}
	rep := gc.Report
	ans := coverageAnswer{Type: "FeatureCollection", Features: []feature{}, Report: coverageFigure{
		Grid: gc.Grid.ID, Plan: gc.Plan, Res: rep.Res, Buffer: rep.Buffer, From: opts.From, To: opts.To,
		Fixes: rep.Fixes, Days: rep.Days, Blocks: rep.Blocks}}
	if ans.Report.Blocks == nil {
		ans.Report.Blocks = []coverage.BlockCoverage{}
	}
	if len(rep.Grids) == 1 {
		ans.Report.Cover = rep.Grids[0]
	}
	fc, key := rep.GapsGeoJSON(), "grid"
	if out.heat {
		fc, key = rep.HeatGeoJSON(), "h3"
	}
	for _, f := range fc.Features {
		ans.Features = append(ans.Features, polygonFeature(f, key, out.crs))
	}
	return writeJSON(c, http.StatusOK, GeoJSONContentType, ans)
}

// polygonFeature renders a Feature of coverage.CoverageReport.GapsGeoJSON
// or HeatGeoJSON as the API renders polygons: in the crs asked for, 7
// decimals, exterior rings counter-clockwise; its id is the property key.
func polygonFeature(f *geojson.Feature, key string, c crs) feature {
	var mp orb.MultiPolygon
	switch g := f.Geometry.(type) {
	case orb.MultiPolygon:
		mp = g
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	}
	return feature{Type: "Feature", ID: fmt.Sprint(f.Properties[key]), Geometry: outputGeometry(mp, c), Properties: f.Properties}
}

// coverageOutput is how the coverage route renders: the layer (gaps, or
// the visit heat of covered cells) and the crs.
type coverageOutput struct {
	heat bool
	crs  crs
}

// parseCoverageParams reads from and to (a window, parseWindow, with
// plain dates in tz), res, buffer, tz (zone when absent), layer and crs.
// The window is the week before now (or before to) unless given.
func parseCoverageParams(q url.Values, now time.Time, zone *time.Location) (coverage.CoverageOptions, coverageOutput, error) {
	o := coverage.CoverageOptions{Res: coverage.DefaultRes, Buffer: coverage.DefaultBuffer, Zone: zone}
	out := coverageOutput{crs: crsWGS84}
	if tz := q.Get("tz"); tz != "" {
		loc, err := parseZone(tz)
		if err != nil {
			return o, out, err
		}
		o.Zone = loc
	}
	w, err := parseWindow(q, o.Zone, []string{"res", "buffer", "tz", "layer", "crs"}, func(name, v string) error {
		var err error
		switch name {
		case "crs":
			out.crs, err = parseCRS(v)
		case "layer":
			if v != "gaps" && v != "heat" {
				return &ParamError{Param: name, Value: v, Reason: "want gaps (the uncovered cells dissolved, the default) or heat (one polygon per covered cell with days, passes and last visit)"}
			}
			out.heat = v == "heat"
		case "res":
			n, perr := strconv.Atoi(v)
			if perr != nil || n < minCoverageRes || n > maxCoverageRes {
				return &ParamError{Param: name, Value: v, Reason: fmt.Sprintf("want an H3 resolution from %d to %d (default %d)", minCoverageRes, maxCoverageRes, coverage.DefaultRes)}
			}
			o.Res = n
		case "buffer":
			b, perr := strconv.ParseFloat(v, 64)
			if perr != nil || !(b > 0 && b <= maxCoverageBuf) {
				return &ParamError{Param: name, Value: v, Reason: fmt.Sprintf("want metres, more than 0 and at most %v (default %v)", maxCoverageBuf, coverage.DefaultBuffer)}
			}
			o.Buffer = b
		}
		return err
	})
	if err != nil {
		return o, out, err
	}
	o.From, o.To = w.From, w.To
	if o.To.IsZero() {
		o.To = now
	}
	if o.From.IsZero() {
		o.From = o.To.Add(-defaultCovWindow)
	}
	switch from := q.Get("from"); {
	case !o.From.Before(o.To):
		return o, out, &ParamError{Param: "from", Value: from, Reason: "the window must start before it ends (to, now when absent)"}
	case o.To.Sub(o.From) > maxCoverageSpan:
		return o, out, &ParamError{Param: "from", Value: from, Reason: "the window may span at most 92 days"}
	}
	return o, out, nil
}
