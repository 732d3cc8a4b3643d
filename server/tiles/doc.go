// Package tiles serves Mapbox vector tiles (MVT 2.1) of the layers a
// server hands it, at /{tileset}/{z}/{x}/{y}.mvt, with a TileJSON 3.0
// document per tileset at /{tileset}.json, using orb's encoding/mvt and
// maptile (the geometry library wangge is built on, so no second one).
//
// A tile holds one layer named after its tileset. Features are read by
// the tile's bounds widened by a buffer, projected to the 4096 grid,
// clipped to the buffered tile, simplified by a tolerance of the zoom
// (Douglas-Peucker, half a pixel of a 256-pixel tile below the layer's
// detail zoom, none from it) and cut at the layer's feature limit. Below a
// tileset's minimum zoom a tile is empty (204). Every tile has an ETag
// (If-None-Match answers 304) and Cache-Control.
package tiles
