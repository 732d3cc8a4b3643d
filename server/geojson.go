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
func blockFeature(b partition.Block) feature {
	props := make(map[string]any, len(b.Attrs)+5)
	for k, v := range b.Attrs {
		props[k] = v
	}
	props["kind"] = b.Kind
	props["name"] = b.Name
	props["households"] = b.Households
	props["population"] = b.Population
	props["parent"] = string(b.Parent)
	return feature{Type: "Feature", ID: string(b.ID), Geometry: outputGeometry(b.Geometry), Properties: props}
}

// outputGeometry orients and rounds mp for output: exterior rings
// counter-clockwise and holes clockwise (RFC 7946 §3.1.6, by geo.Orient),
// coordinates to 7 decimals. A single polygon is sent as a Polygon; none
// as null.
func outputGeometry(mp orb.MultiPolygon) *geojson.Geometry {
	if len(mp) == 0 {
		return nil
	}
	out := geo.Orient(mp).(orb.MultiPolygon) // a copy: rounding below leaves mp alone
	for _, poly := range out {
		for _, ring := range poly {
			for k, p := range ring {
				ring[k] = orb.Point{roundCoord(p[0]), roundCoord(p[1])}
			}
		}
	}
	if len(out) == 1 {
		return geojson.NewGeometry(out[0])
	}
	return geojson.NewGeometry(out)
}

func roundCoord(v float64) float64 { return math.Round(v*coordScale) / coordScale }
