package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wangge/internal/plantest"
	"wangge/partition"
)

// TestOSMToGridsEndToEnd runs the planner's two commands on Monaco,
// `wangge import osm` then `wangge partition` with dedicated schools and
// hospitals and basic grids by households, and checks the cover: every
// block in exactly one grid, every grid valid, and, asked of PostGIS, no
// two grids sharing interior and the grids' union equal to the blocks'.
func TestOSMToGridsEndToEnd(t *testing.T) {
	needMonaco(t)
	dir := t.TempDir()
	blocksFile, gridsFile := filepath.Join(dir, "blocks.geojson"), filepath.Join(dir, "grids.geojson")
	if out, err := importOSMCLI(t, monacoPBF, "--db", "-", "--blocks-out", blocksFile); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if _, stderr, err := runCLI(t, "partition", "--blocks", blocksFile, "--weight", "households",
		"--min", "150", "--max", "500", "--dedicated", "kind=school,hospital", "--out", gridsFile); err != nil {
		t.Fatalf("partition: %v\n%s", err, stderr)
	}
	blocks := readFile(t, blocksFile, func(f *os.File) ([]partition.Block, error) { return partition.ReadBlocks(f, blocksFile, "id") })
	grids := readFile(t, gridsFile, func(f *os.File) ([]partition.Grid, error) { return partition.ReadGrids(f, gridsFile) })
	plantest.CheckCover(t, blocks, grids)
}

// readFile opens path and decodes it with read.
func readFile[T any](t *testing.T, path string, read func(*os.File) (T, error)) T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDemoRefusesAnExistingStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "real.gpkg")
	if err := os.WriteFile(db, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCLI(t, "demo", "--db", db, "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), db) {
		t.Fatalf("error %v, want one naming %s", err, db)
	}
	if b, _ := os.ReadFile(db); string(b) != "precious" {
		t.Errorf("existing file was changed")
	}
}
