// Package data is where wangge keeps its territory, plans, workers,
// tracks, incidents, key places and API tokens. It holds the contract, not
// an implementation: Store composes one small interface per concern
// (TerritoryStore, PlanStore, PatrolStore, IncidentStore, TokenStore), the
// queries they take, the errors every implementation returns (ErrNotFound,
// ErrInvalid with an *ItemError naming the rejected item, ErrConflict for a
// write that lost a race or broke a uniqueness rule, ErrBusy for a store
// locked too long), API tokens and their roles, and InForce /
// PublishedPlan for the one plan in force.
//
// The rest lives in sub-packages, each named by its concept:
//
//	data/gpkg       the embedded store: one SQLite file laid out as an OGC
//	                GeoPackage 1.3 (GDAL and QGIS open its layers)
//	data/postgis    the store in PostgreSQL with PostGIS, for production and
//	                several servers on one database (LISTEN/NOTIFY)
//	data/stores     Open: the store a path or a postgres:// URL names
//	data/storetest  the conformance suite both stores pass
//	data/importer   blocks and incidents from GeoJSON and CSV files
//	data/osm        street blocks, buildings, roads and households from an
//	                OpenStreetMap extract
//	data/sample     the bundled Monaco extract `wangge demo` runs on
//	data/pgtest     a PostGIS schema of its own for each test
//	data/progress   progress bars of long imports on a terminal
//
// Both stores run the same checks before they write (data/internal/codec),
// so a batch either passes them whole or stores nothing.
package data
