package server

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

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
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties map[string]any    `json:"properties"`
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
func outputGeometry(mp orb.MultiPolygon, c crs) *geojson.Geometry {
	if len(mp) == 0 {
		return nil
	}
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(orb.Polygon, len(poly))
		for j, ring := range poly {
			r := make(orb.Ring, len(ring))
			for k, p := range ring {
				p = c.fromWGS84(p)
				r[k] = orb.Point{roundCoord(p[0]), roundCoord(p[1])}
			}
			out[i][j] = r
		}
	}
	out = geo.Orient(out).(orb.MultiPolygon)
	if len(out) == 1 {
		return geojson.NewGeometry(out[0])
	}
	return geojson.NewGeometry(out)
}

func roundCoord(v float64) float64 { return math.Round(v*coordScale) / coordScale }
