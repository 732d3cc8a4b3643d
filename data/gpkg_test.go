package data_test

import (
	"context"
	"path/filepath"
	"testing"

	"wangge/data"
	"wangge/data/storetest"
)

// openGeoPackage opens (or creates) the GeoPackage at path, failing the test
// on error.
func openGeoPackage(t *testing.T, path string) *data.GeoPackage {
	t.Helper()
	g, err := data.OpenGeoPackage(context.Background(), path)
	if err != nil {
		t.Fatalf("OpenGeoPackage: %v", err)
	}
	return g
}

func TestGeoPackageConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (data.Store, func() data.Store) {
		path := filepath.Join(t.TempDir(), "store.gpkg")
		return openGeoPackage(t, path), func() data.Store { return openGeoPackage(t, path) }
	})
}
