package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRefusesMissingStore checks that serve does not make a new
// empty GeoPackage for a path that names no file, unless --create.
func TestServeRefusesMissingStore(t *testing.T) {
	typo := filepath.Join(t.TempDir(), "typo.gpkg")
	_, _, err := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--db", typo)
	if !errors.Is(err, errNoStore) || !strings.Contains(err.Error(), "--create") {
		t.Fatalf("serve --db %s: %v, want errNoStore naming --create", typo, err)
	}
	if _, err := os.Stat(typo); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("serve made %s: %v", typo, err)
	}
	if err := storeExists(typo, true); err != nil {
		t.Fatalf("with --create: %v", err)
	}
	if err := storeExists("postgres://127.0.0.1/x", false); err != nil {
		t.Fatalf("a postgres URL: %v", err)
	}
}
