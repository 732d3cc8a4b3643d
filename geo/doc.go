// Package geo is the geometry under wangge, built on paulmach/orb with
// coordinates in WGS-84 longitude, latitude (degrees):
//
//   - geodesic measures on the WGS-84 ellipsoid: Area, Perimeter, Distance,
//     Length (checked against PostGIS's geography type);
//   - a local metric Projection for work in metres (buffers, tolerances,
//     snapping);
//   - Validate and Orient, for polygon validity and RFC 7946 winding;
//   - the Chinese web-map coordinate systems GCJ-02 and BD-09 (storage
//     stays in WGS-84; convert only to show on, or read from, such maps);
//   - Index, a point-in-polygon index on an R-tree (point → block, grid);
//   - H3 helpers on uber/h3-go: Cell, Cells, CellPolygon,
//     CellsToMultiPolygon.
package geo
