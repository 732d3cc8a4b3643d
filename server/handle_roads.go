package server

import (
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"wangge/partition"
)

// listRoads answers GET /api/v1/roads: the roads layer of the map, a page
// of roads ordered by id as a FeatureCollection of LineStrings (a road of
// several parts as a MultiLineString) with properties class (the OSM
// highway class) and name, filtered by bbox (roads whose line meets it),
// with a next link while more may follow. ?crs=gcj02|bd09 gives
// coordinates (and reads the bbox) for Chinese basemaps.
func (s *Server) listRoads(c echo.Context) error {
	return listFeatures(c, "roads", DefaultLimit, s.store.Roads, func(r partition.Road) string { return string(r.ID) }, roadFeature)
}

// roadFeature renders a road as a Feature.
func roadFeature(r partition.Road, c crs) feature {
	return feature{Type: "Feature", ID: string(r.ID), Geometry: outputLines(r.Geometry, c),
		Properties: map[string]any{"class": r.Class, "name": r.Name}}
}

// outputLines converts ml into c and rounds it to 7 decimals. A single
// line is sent as a LineString; none as null.
func outputLines(ml orb.MultiLineString, c crs) *geometry {
	from, _ := c.conversions()
	switch len(ml) {
	case 0:
		return nil
	case 1:
		return &geometry{Type: "LineString", Coordinates: outputPath(ml[0], from)}
	}
	out := make(orb.MultiLineString, len(ml))
	for i, line := range ml {
		out[i] = outputPath(line, from)
	}
	return &geometry{Type: "MultiLineString", Coordinates: out}
}
