package server

import (
	"fmt"
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"wangge/data"
)

// Paging limits of collection routes.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// listParams are the query parameters of a collection route.
type listParams struct {
	BBox  *orb.Bound
	Limit int
	After string
}

// parseListParams reads bbox, limit and after; any other parameter is
// refused, so that a misspelt filter is not silently ignored.
func parseListParams(q url.Values) (listParams, error) {
	p := listParams{Limit: DefaultLimit}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		vals := q[name]
		if len(vals) > 1 {
			return p, &ParamError{Param: name, Value: strings.Join(vals, "&"), Reason: "give it once"}
		}
		v := vals[0]
		var err error
		switch name {
		case "bbox":
			var b orb.Bound
			b, err = parseBBox(v)
			p.BBox = &b
		case "limit":
			p.Limit, err = parseLimit(v)
		case "after":
			p.After = v
		default:
			return p, &ParamError{Param: name, Value: v, Reason: "unknown parameter; this route takes bbox, limit and after"}
		}
		if err != nil {
			return p, err
		}
	}
	return p, nil
}

// parseUpsertParams reads the query of a block upsert: weight, the
// property every block must have (households when absent).
func parseUpsertParams(q url.Values) (data.BlockOptions, error) {
	var o data.BlockOptions
	for _, name := range slices.Sorted(maps.Keys(q)) {
		v := strings.Join(q[name], "&")
		switch {
		case name != "weight":
			return o, &ParamError{Param: name, Value: v, Reason: "unknown parameter; this route takes weight"}
		case len(q[name]) != 1 || v == "":
			return o, &ParamError{Param: name, Value: v, Reason: "give one property name, such as households or population"}
		}
		o.WeightField = v
	}
	return o, nil
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
