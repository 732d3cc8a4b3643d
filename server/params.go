package server

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"wangge/data/importer"
	"wangge/internal/window"
)

// Paging limits of collection routes.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// listParams are the query parameters of a collection route.
type listParams struct {
	BBox  *orb.Bound // in WGS-84, whatever CRS the client used
	Limit int
	After string
	CRS   crs
}

// eachParam calls fn with every query parameter in name order. A name not
// in allowed, or given twice, is refused, so that a misspelt filter is not
// silently ignored.
func eachParam(q url.Values, allowed []string, fn func(name, value string) error) error {
	for _, name := range slices.Sorted(maps.Keys(q)) {
		vals := q[name]
		switch {
		case !slices.Contains(allowed, name):
			return &ParamError{Param: name, Value: strings.Join(vals, "&"),
				Reason: "unknown parameter; this route takes " + strings.Join(allowed, ", ")}
		case len(vals) > 1:
			return &ParamError{Param: name, Value: strings.Join(vals, "&"), Reason: "give it once"}
		}
		if err := fn(name, vals[0]); err != nil {
			return err
		}
	}
	return nil
}

// parseListParams reads bbox, limit (defaultLimit when absent), after and
// crs. The bbox is given in the crs asked for, and turned into WGS-84 for
// the store.
func parseListParams(q url.Values, defaultLimit int) (listParams, error) {
	p := listParams{Limit: defaultLimit, CRS: crsWGS84}
	var bbox string
	err := eachParam(q, []string{"bbox", "limit", "after", "crs"}, func(name, v string) error {
		var err error
		switch name {
		case "bbox":
			bbox = v
		case "limit":
			p.Limit, err = parseLimit(v)
		case "after":
			p.After = v
		case "crs":
			p.CRS, err = parseCRS(v)
		}
		return err
	})
	if err != nil || bbox == "" {
		return p, err
	}
	b, err := parseBBox(bbox)
	if err != nil {
		return p, err
	}
	b = p.CRS.boundToWGS84(b)
	p.BBox = &b
	return p, nil
}

// parseFeatureParams reads the query of a single-feature route: crs.
func parseFeatureParams(q url.Values) (crs, error) {
	c := crsWGS84
	err := eachParam(q, []string{"crs"}, func(_, v string) error {
		var err error
		c, err = parseCRS(v)
		return err
	})
	return c, err
}

// parseUpsertParams reads the query of a block upsert: weight, the
// property every block must have (households when absent).
func parseUpsertParams(q url.Values) (importer.BlockOptions, error) {
	var o importer.BlockOptions
	err := eachParam(q, []string{"weight"}, func(name, v string) error {
		if v == "" {
			return &ParamError{Param: name, Value: v, Reason: "give a property name, such as households or population"}
		}
		o.WeightField = v
		return nil
	})
	return o, err
}

// parseBBox reads minLon,minLat,maxLon,maxLat in WGS-84 degrees.
func parseBBox(v string) (orb.Bound, error) {
	bad := func(reason string) (orb.Bound, error) {
		return orb.Bound{}, &ParamError{Param: "bbox", Value: v, Reason: reason}
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return bad(fmt.Sprintf("want 4 comma-separated numbers minLon,minLat,maxLon,maxLat, got %d values", len(parts)))
	}
	var n [4]float64
	names := [4]string{"minLon", "minLat", "maxLon", "maxLat"}
	for i, s := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad(fmt.Sprintf("%s %q is not a number", names[i], s))
		}
		n[i] = f
	}
	for i, f := range n {
		limit := 180.0
		if i%2 == 1 {
			limit = 90
		}
		if f < -limit || f > limit {
			return bad(fmt.Sprintf("%s %v is outside [-%v, %v]", names[i], f, limit, limit))
		}
	}
	if n[0] > n[2] {
		return bad(fmt.Sprintf("minLon %v is greater than maxLon %v", n[0], n[2]))
	}
	if n[1] > n[3] {
		return bad(fmt.Sprintf("minLat %v is greater than maxLat %v", n[1], n[3]))
	}
	return orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}, nil
}

// parseLimit reads a page size from 1 to MaxLimit.
func parseLimit(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxLimit {
		return 0, &ParamError{Param: "limit", Value: v, Reason: fmt.Sprintf("want a whole number from 1 to %d", MaxLimit)}
	}
	return n, nil
}

// parseWindow reads from and to as a window (internal/window: [from, to),
// each an RFC 3339 time or a date meaning its midnight in zone; empty is
// open) and calls extra for the route's other parameters (allowed lists
// them).
func parseWindow(q url.Values, zone *time.Location, allowed []string, extra func(name, v string) error) (window.Window, error) {
	var from, to string
	err := eachParam(q, append([]string{"from", "to"}, allowed...), func(name, v string) error {
		switch name {
		case "from":
			from = v
		case "to":
			to = v
		default:
			return extra(name, v)
		}
		return nil
	})
	if err != nil {
		return window.Window{}, err
	}
	w, err := window.Parse(from, to, zone)
	return w, windowParam(err)
}

// parseDay reads ?date= as the window of that day in zone.
func parseDay(date string, zone *time.Location) (window.Window, error) {
	w, err := window.Day(date, zone)
	return w, windowParam(err)
}

// parseZone reads ?tz=: an IANA zone name (window.LoadZone; "Local" is
// refused, since the server's zone is no business of the client's).
func parseZone(v string) (*time.Location, error) {
	loc, err := window.LoadZone(v)
	return loc, windowParam(err)
}

// windowParam turns a *window.Error into the *ParamError of the query
// parameter it is about: from, to and date by their names, the zone as tz.
func windowParam(err error) error {
	var we *window.Error
	if !errors.As(err, &we) {
		return err
	}
	param := we.Field
	if errors.Is(err, window.ErrZone) {
		param = "tz"
	}
	return &ParamError{Param: param, Value: we.Value, Reason: we.Reason}
}
