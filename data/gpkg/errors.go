package gpkg

import "errors"

// ErrNotGeoPackage is wrapped when a file given as the embedded store is
// an SQLite database but not a GeoPackage.
var ErrNotGeoPackage = errors.New("gpkg: not a GeoPackage")
