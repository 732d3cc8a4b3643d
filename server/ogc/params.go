package ogc

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

	"wangge/internal/window"
)

// Paging limits of items.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// CRS is a coordinate reference system of Part 2: its URI, as clients name
// it in crs and as Content-Crs reports it, and the short name the rest of
// the API takes in ?crs= (wgs84, gcj02, bd09).
type CRS struct {
	URI  string
	Name string
}

// The coordinate systems offered: CRS84 (WGS-84 lon/lat, the storage and
// default), and GCJ-02 and BD-09, the offsets of Chinese web basemaps,
// which have no EPSG code and so take URNs of wangge's own.
var (
	CRS84 = CRS{URI: "http://www.opengis.net/def/crs/OGC/1.3/CRS84", Name: "wgs84"}
	GCJ02 = CRS{URI: "urn:x-wangge:def:crs:GCJ-02", Name: "gcj02"}
	BD09  = CRS{URI: "urn:x-wangge:def:crs:BD-09", Name: "bd09"}
)

// crsList is every CRS a collection offers.
var crsList = []CRS{CRS84, GCJ02, BD09}

// crsURIs are the URIs of crsList, as collections list them.
func crsURIs() []string {
	out := make([]string, len(crsList))
	for i, c := range crsList {
		out[i] = c.URI
	}
	return out
}

// Query is what a page of items is read with.
type Query struct {
	BBox   *orb.Bound    // WGS-84; nil: everywhere
	Window window.Window // datetime; zero: any time
	After  string        // ids up to and including it are skipped
	Limit  int           // at most this many features
	CRS    CRS           // of the output coordinates
}

// itemsParams are the query parameters of an items request.
type itemsParams struct {
	Query
	Offset int               // position of the page's first feature
	Filter map[string]string // queryable = value
}

// reserved are the parameters of items that are not property filters.
var reserved = []string{"limit", "bbox", "bbox-crs", "datetime", "crs", "after", "offset", "f"}

// parseItems reads the query of an items request. A parameter that is
// neither reserved nor a queryable of the collection is refused, so that a
// misspelt filter is not silently ignored.
func parseItems(q url.Values, queryables map[string]string, zone *time.Location) (itemsParams, error) {
	p := itemsParams{Query: Query{Limit: DefaultLimit, CRS: CRS84}}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		vals := q[name]
		if len(vals) > 1 {
			return p, &ParamError{Param: name, Value: strings.Join(vals, "&"), Reason: "give it once"}
		}
		v := vals[0]
		var err error
		switch name {
		case "limit":
			p.Limit, err = parseLimit(v)
		case "bbox":
			var b orb.Bound
			b, err = parseBBox(v)
			p.BBox = &b
		case "bbox-crs":
			if c, cerr := parseCRS(name, v); cerr != nil || c != CRS84 {
				err = &ParamError{Param: name, Value: v, Reason: "bbox is read in " + CRS84.URI + " only"}
			}
		case "datetime":
			p.Window, err = parseDatetime(v, zone)
		case "crs":
			p.CRS, err = parseCRS(name, v)
		case "after":
			p.After = v
		case "offset":
			p.Offset, err = parseOffset(v)
		case "f":
			if v != "json" && v != "geojson" {
				err = &ParamError{Param: name, Value: v, Reason: "want json or geojson"}
			}
		default:
			if _, ok := queryables[name]; !ok {
				return p, &ParamError{Param: name, Value: v, Reason: "unknown parameter; this collection takes " +
					strings.Join(append(slices.Clone(reserved), slices.Sorted(maps.Keys(queryables))...), ", ")}
			}
			if p.Filter == nil {
				p.Filter = make(map[string]string)
			}
			p.Filter[name] = v
		}
		if err != nil {
			return p, err
		}
	}
	return p, nil
}

// parseLimit reads a page size: 1 to MaxLimit; a larger one is cut to
// MaxLimit, as the standard asks of a server.
func parseLimit(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, &ParamError{Param: "limit", Value: v, Reason: fmt.Sprintf("want a whole number from 1 to %d", MaxLimit)}
	}
	return min(n, MaxLimit), nil
}

// parseOffset reads the position of a page.
func parseOffset(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, &ParamError{Param: "offset", Value: v, Reason: "want a whole number, 0 or more"}
	}
	return n, nil
}

// parseBBox reads an OGC bbox in CRS84: minLon,minLat,maxLon,maxLat, or
// with heights minLon,minLat,minH,maxLon,maxLat,maxH (heights ignored).
// A box across the antimeridian (minLon > maxLon) is refused.
func parseBBox(v string) (orb.Bound, error) {
	fields := strings.Split(v, ",")
	if len(fields) != 4 && len(fields) != 6 {
		return orb.Bound{}, &ParamError{Param: "bbox", Value: v,
			Reason: fmt.Sprintf("want 4 numbers minLon,minLat,maxLon,maxLat (or 6 with heights), got %d", len(fields))}
	}
	nums := make([]float64, len(fields))
	for i, f := range fields {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return orb.Bound{}, &ParamError{Param: "bbox", Value: v, Reason: fmt.Sprintf("value %d, %q, is not a number", i+1, f)}
		}
		nums[i] = x
	}
	half := len(nums) / 2
	lo := orb.Point{nums[0], nums[1]}
	hi := orb.Point{nums[half], nums[half+1]}
	switch {
	case math.Abs(lo[0]) > 180 || math.Abs(hi[0]) > 180 || math.Abs(lo[1]) > 90 || math.Abs(hi[1]) > 90:
		return orb.Bound{}, &ParamError{Param: "bbox", Value: v, Reason: "longitudes must be within ±180 and latitudes within ±90"}
	case lo[0] > hi[0]:
		return orb.Bound{}, &ParamError{Param: "bbox", Value: v, Reason: "a box across the antimeridian is not served; send two boxes"}
	case lo[1] > hi[1]:
		return orb.Bound{}, &ParamError{Param: "bbox", Value: v, Reason: "the south edge is north of the north edge"}
	}
	return orb.Bound{Min: lo, Max: hi}, nil
}

// parseCRS reads a CRS by URI, or by the short name of the rest of the API.
func parseCRS(param, v string) (CRS, error) {
	for _, c := range crsList {
		if v == c.URI || v == c.Name {
			return c, nil
		}
	}
	return CRS{}, &ParamError{Param: param, Value: v, Reason: "want one of " + strings.Join(crsURIs(), ", ")}
}

// parseDatetime reads an OGC datetime as a window: an instant, a date (that
// day), or an interval a/b whose open sides are ".." or empty. The
// interval is [a, b) as every window of wangge.
func parseDatetime(v string, zone *time.Location) (window.Window, error) {
	bad := func(reason string) (window.Window, error) {
		return window.Window{}, &ParamError{Param: "datetime", Value: v, Reason: reason}
	}
	from, to, interval := strings.Cut(v, "/")
	if !interval {
		if _, err := time.Parse(time.DateOnly, v); err == nil {
			w, err := window.Day(v, zone)
			if err != nil {
				return bad(err.Error())
			}
			return w, nil
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return bad("want an RFC 3339 instant, a date YYYY-MM-DD, or an interval start/end with .. for an open side")
		}
		return window.Window{From: t, To: t.Add(time.Nanosecond)}, nil
	}
	if from == ".." {
		from = ""
	}
	if to == ".." {
		to = ""
	}
	w, err := window.Parse(from, to, zone)
	var we *window.Error
	if errors.As(err, &we) {
		return bad(we.Field + " side: " + we.Reason)
	}
	return w, err
}
