// Package geo is the geometry under wangge, built on paulmach/orb with
// coordinates in WGS-84 longitude, latitude (degrees):
//
//   - geodesic measures on the WGS-84 ellipsoid: Area, Perimeter, Distance,
//     Length (checked against PostGIS's geography type);
//   - a local metric Projection for work in metres (buffers, tolerances,
//     snapping);
//   - Validate and Orient, for polygon validity and RFC 7946 winding;
//   - Dissolve of blocks into grid outlines, and Polygonize of line
//     networks into faces (MergeFaces, InteriorPoint, ConvexHull beside);
//   - the Chinese web-map coordinate systems GCJ-02 and BD-09 (storage
//     stays in WGS-84; convert only to show on, or read from, such maps);
//   - Index, a point-in-polygon index on an R-tree (point → block, grid);
//   - H3 helpers on uber/h3-go: Cell, Cells, CellPolygon,
//     CellsToMultiPolygon.
//
// Index, Validate and CellsToMultiPolygon treat longitude and latitude as
// plane coordinates: geometries that cross the antimeridian or enclose a
// pole are outside what they support.
package geo
