// Package stores opens the store a DSN names, so that commands need not
// know the implementations: data/postgis for a postgres:// URL, data/gpkg
// for anything else.
package stores

import (
	"context"
	"strings"

	"wangge/data"
	"wangge/data/gpkg"
	"wangge/data/postgis"
)

// Open opens the store a DSN names: a postgres:// or postgresql:// URL
// opens PostGIS, anything else is the path of a GeoPackage file (created
// when missing).
func Open(ctx context.Context, dsn string) (data.Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		pg, err := postgis.Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		return pg, nil
	}
	g, err := gpkg.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return g, nil
}
