// Package ogc serves OGC API – Features (Part 1 Core, GeoJSON and OpenAPI
// 3.0; Part 2 coordinate reference systems by reference; Part 3 queryables
// with simple property = value filters) over collections that the server
// hands it: the landing page, conformance, the collections and their
// items, so that GDAL's OAPIF: driver and QGIS read the store as they read
// any feature server.
//
// The package is protocol only. A Collection says how to read a page of
// features in id order after a given id (keyset paging); the handler
// parses limit, bbox, datetime, crs and property filters, pages, filters
// and writes the links (next, prev, self, alternate) and the counts
// (numberMatched on the first page, numberReturned on every page).
//
// Paging: limit is 100 by default and at most 10,000. A next link carries
// after (the id of the last feature of the page, so the next page is read
// from the index) and offset (the position of its first feature); a prev
// link carries offset alone, which is read by counting from the start.
//
// Time windows follow the rest of wangge (internal/window): datetime
// a/b is [a, b), a plain date is its midnight in the configured zone, an
// instant is that instant, a plain date alone is that day, ".." or an
// empty side is open.
package ogc
