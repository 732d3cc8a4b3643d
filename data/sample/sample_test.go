package sample

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
)

// TestMonacoIsTheSharedExtract checks that the bundled bytes are the
// shared data file named in shared/data/MANIFEST.md.
func TestMonacoIsTheSharedExtract(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "osm", MonacoName)
	want, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("test data %s is missing", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(MonacoPBF, want) {
		t.Errorf("bundled extract (sha256 %x) differs from %s (sha256 %x)", sha256.Sum256(MonacoPBF), path, sha256.Sum256(want))
	}
}
