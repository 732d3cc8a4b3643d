package server

import (
	"math"

	"github.com/paulmach/orb"

	"wangge/geo"
	"wangge/partition"
)

// GeoJSONContentType is the media type of feature responses (RFC 7946).
const GeoJSONContentType = "application/geo+json"

// coordScale rounds output coordinates to 7 decimals (about 1 cm).
const coordScale = 1e7

// featureCollection is a GeoJSON FeatureCollection as the API sends it,
// with OGC API style paging links.
type featureCollection struct {
	Type           string    `json:"type"`
	Features       []feature `json:"features"`
	NumberReturned int       `json:"numberReturned"`
	Links          []link    `json:"links,omitempty"`
}

// feature is one GeoJSON Feature.
type feature struct {
	Type       string         `json:"type"`
	ID         string         `json:"id"`
	Geometry   *geometry      `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

// geometry is a GeoJSON Polygon or MultiPolygon. encoding/json writes the
// orb coordinates ([2]float64 points) as nested arrays directly, with no
// json.Marshaler in between whose output it would scan a second time.
type geometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

// link is a web link (RFC 8288) in a response body.
type link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
	Type string `json:"type,omitempty"`
}

// blockFeature renders a block as a Feature: the attributes flat in the
// properties (so GIS tools show them as columns) next to kind, name,
// households, population and parent, which take precedence.
func blockFeature(b partition.Block, c crs) feature {
	props := make(map[string]any, len(b.Attrs)+5)
	for k, v := range b.Attrs {
		props[k] = v
	}
	props["kind"] = b.Kind
	props["name"] = b.Name
	props["households"] = b.Households
	props["population"] = b.Population
	props["parent"] = string(b.Parent)
	return feature{Type: "Feature", ID: string(b.ID), Geometry: outputGeometry(b.Geometry, c), Properties: props}
}

// outputGeometry converts mp into c, rounds it to 7 decimals and orients
// it (geo.Orient): exterior rings counter-clockwise and holes clockwise
// (RFC 7946 §3.1.6). A single polygon is sent as a Polygon; none as null.
func outputGeometry(mp orb.MultiPolygon, c crs) *geometry {
	if len(mp) == 0 {
		return nil
	}
	from, _ := c.conversions()
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(orb.Polygon, len(poly))
		for j, ring := range poly {
			out[i][j] = outputPath(ring, from)
		}
	}
	out = geo.Orient(out).(orb.MultiPolygon)
	if len(out) == 1 {
		return &geometry{Type: "Polygon", Coordinates: out[0]}
	}
	return &geometry{Type: "MultiPolygon", Coordinates: out}
}

// outputPath converts a ring or line with from (nil: none) and rounds it
// to 7 decimals.
func outputPath(path []orb.Point, from func(orb.Point) orb.Point) []orb.Point {
	out := make([]orb.Point, len(path))
	for k, p := range path {
		if from != nil {
			p = from(p)
		}
		out[k] = orb.Point{roundCoord(p[0]), roundCoord(p[1])}
	}
	return out
}

func roundCoord(v float64) float64 { return math.Round(v*coordScale) / coordScale }

// crs is a coordinate system a client may ask for with ?crs=. Storage is
// always WGS-84; Chinese web basemaps need GCJ-02 (AMap/Gaode, Tencent) or
// BD-09 (Baidu), and a map drawn on them sends its bbox in the same system.
type crs string

// The coordinate systems of ?crs=.
const (
	crsWGS84 crs = "wgs84"
	crsGCJ02 crs = "gcj02"
	crsBD09  crs = "bd09"
)

// parseCRS reads the value of ?crs=.
func parseCRS(v string) (crs, error) {
	switch c := crs(v); c {
	case crsWGS84, crsGCJ02, crsBD09:
		return c, nil
	}
	return "", &ParamError{Param: "crs", Value: v, Reason: "want wgs84 (the default), gcj02 (AMap, Tencent) or bd09 (Baidu)"}
}

// conversions returns the functions that take a WGS-84 point into c and
// back; both nil for WGS-84 itself.
func (c crs) conversions() (from, to func(orb.Point) orb.Point) {
	switch c {
	case crsGCJ02:
		return geo.WGS84ToGCJ02, geo.GCJ02ToWGS84
	case crsBD09:
		return geo.WGS84ToBD09, geo.BD09ToWGS84
	}
	return nil, nil
}

// boundToWGS84 converts a box given in c: the box around its converted
// corners. The offset changes slowly across a map view, so that box
// stands in for the image of the whole box.
func (c crs) boundToWGS84(b orb.Bound) orb.Bound {
	_, to := c.conversions()
	if to == nil {
		return b
	}
	out := to(b.Min).Bound()
	for _, p := range []orb.Point{b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
		out = out.Extend(to(p))
	}
	return out
}
