package data

import (
	"context"
	"strings"
)

// Open opens the store a DSN names: a postgres:// or postgresql:// URL
// opens PostGIS, anything else is the path of a GeoPackage file (created
// when missing).
func Open(ctx context.Context, dsn string) (Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		pg, err := OpenPostGIS(ctx, dsn)
		if err != nil {
			return nil, err
		}
		return pg, nil
	}
	g, err := OpenGeoPackage(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return g, nil
}
