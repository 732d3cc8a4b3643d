// Package gpkg is the embedded store, the default: one SQLite file laid
// out as an OGC GeoPackage 1.3, so GDAL and QGIS open its layers, and no
// server is needed. It runs on github.com/mattn/go-sqlite3 rather than the
// pure-Go modernc.org/sqlite: the module already needs cgo for H3, so the C
// SQLite costs no portability it has not already paid, it is the driver
// the Go ecosystem runs most, and its ConnectHook registers the ST_*
// functions that the GeoPackage R-tree triggers call on every connection.
package gpkg
