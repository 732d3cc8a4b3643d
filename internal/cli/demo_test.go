package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/wkt"

	"wangge/data/pgtest"
	"wangge/geo"
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
	checkBlocksInOneGrid(t, grids, blocks)
	checkCoverInPostGIS(t, blocks, grids)
}

// checkBlocksInOneGrid checks the cover rules that need no referee:
// every grid valid, every block in exactly one grid, and no grid naming a
// block that is not there.
func checkBlocksInOneGrid(t *testing.T, grids []partition.Grid, blocks []partition.Block) {
	t.Helper()
	in := make(map[partition.BlockID]int)
	for _, g := range grids {
		if err := geo.Validate(g.Geometry); err != nil {
			t.Errorf("grid %s: %v", g.ID, err)
		}
		for _, b := range g.Blocks {
			in[b]++
		}
	}
	for _, b := range blocks {
		if in[b.ID] != 1 {
			t.Errorf("block %s (%s) is in %d grids", b.ID, b.Kind, in[b.ID])
		}
	}
	if len(in) != len(blocks) {
		t.Errorf("grids name %d blocks, there are %d", len(in), len(blocks))
	}
}

// checkCoverInPostGIS asks PostGIS whether grids overlap and whether their
// union is the blocks' union.
func checkCoverInPostGIS(t *testing.T, blocks []partition.Block, grids []partition.Grid) {
	t.Helper()
	conn := pgtest.Conn(t)
	var bw, gw []string
	for _, b := range blocks {
		bw = append(bw, wkt.MarshalString(b.Geometry))
	}
	for _, g := range grids {
		gw = append(gw, wkt.MarshalString(g.Geometry))
	}
	var overlaps int
	var gridArea, blockArea, symDiff float64
	err := conn.QueryRow(context.Background(), `
		WITH g AS (SELECT i, ST_GeomFromText(w, 4326) AS g FROM unnest($1::text[]) WITH ORDINALITY AS t(w, i)),
		b AS (SELECT ST_GeomFromText(w, 4326) AS g FROM unnest($2::text[]) AS w),
		u AS (SELECT (SELECT ST_Union(g) FROM g) AS gu, (SELECT ST_Union(g) FROM b) AS bu)
		SELECT (SELECT count(*) FROM g x JOIN g y ON x.i < y.i AND x.g && y.g AND ST_Relate(x.g, y.g, '2********')),
		       ST_Area(gu::geography), ST_Area(bu::geography), ST_Area(ST_SymDifference(gu, bu)::geography)
		FROM u`, gw, bw).Scan(&overlaps, &gridArea, &blockArea, &symDiff)
	if err != nil {
		t.Fatal(err)
	}
	if overlaps != 0 {
		t.Errorf("PostGIS finds %d pairs of grids sharing interior", overlaps)
	}
	if symDiff > 1e-6*blockArea {
		t.Errorf("grids' union (%.0f m²) and blocks' union (%.0f m²) differ by %.1f m²", gridArea, blockArea, symDiff)
	}
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
