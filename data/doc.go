// Package data keeps wangge's territory, plans, workers, tracks, incidents,
// key places and API tokens behind one interface, Store, with two
// implementations that pass the same conformance suite (package storetest):
//
//   - GeoPackage, the default: one SQLite file laid out as an OGC
//     GeoPackage 1.3, so GDAL and QGIS open its layers, and no server is
//     needed. It runs on github.com/mattn/go-sqlite3 rather than the pure-Go
//     modernc.org/sqlite: the module already needs cgo for H3, so the C
//     SQLite costs no portability it has not already paid, it is the
//     driver the Go ecosystem runs most, and its ConnectHook registers the
//     ST_* functions that the GeoPackage R-tree triggers call on every
//     connection.
//   - PostGIS, through a pgxpool: GiST indexes on the feature tables,
//     month partitions of the track table, and LISTEN/NOTIFY so that
//     several stateless servers see each other's changes.
//
// Open picks the store from a path or a postgres:// URL. Every method takes
// the caller's context first; a missing record is an error wrapping
// ErrNotFound. PublishedPlan and InForce give the one plan in force.
//
// The importers decode a whole file before anything is stored, so a bad
// file stores nothing (an *ImportError names its file, line or feature,
// and field; an *OSMError its file): DecodeBlocks reads a GeoJSON FeatureCollection of blocks, ImportOSM
// derives street blocks (with estimated households), buildings and roads
// from an OpenStreetMap extract and SaveOSM stores them in one batch, and
// DecodeIncidentsCSV and DecodeIncidentsGeoJSON read reported incidents.
//
// Beside it: package sample bundles the Monaco extract `wangge demo` runs
// on, storetest is the conformance suite both stores pass, pgtest gives
// tests a PostGIS schema of their own, and progress draws the importers'
// progress bars on a terminal.
package data
