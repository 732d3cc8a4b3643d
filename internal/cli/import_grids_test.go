package cli

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportGridsWards dissolves the Providence blocks by ward with GDAL,
// imports the result as hand-drawn grids (0 cut blocks, the ward plan's
// figures of shared/data/MANIFEST.md), validates it (exit 0) and finds
// nothing for --fix to move; a shapefile gets the ogr2ogr line.
func TestImportGridsWards(t *testing.T) {
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		t.Skip("GDAL skipped: ogr2ogr is not on PATH (CI installs gdal-bin)")
	}
	dir := t.TempDir()
	wards := filepath.Join(dir, "wards.geojson")
	out, err := exec.Command("ogr2ogr", "-f", "GeoJSON", wards, providenceBlocks, "-dialect", "sqlite",
		"-sql", "SELECT ward AS id, ST_Union(geometry) AS geometry FROM providence_blocks GROUP BY ward").CombinedOutput()
	if err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	plan := filepath.Join(dir, "adopted.geojson")
	opts := []string{"--blocks", providenceBlocks, "--weight", "population", "--count", "15", "--tolerance", "0.05"}
	stdout, _, err := runCLI(t, append([]string{"import", "grids", wards, "--out", plan}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"15 grids (15 basic", "max deviation 4.91%", "Polsby-Popper mean 0.407, min 0.234", "0 blocks cut by a boundary", "0 blocks in no grid"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("import grids says\n%s\nwant %q", stdout, want)
		}
	}
	stdout, _, err = runCLI(t, append([]string{"partition", "validate", "--plan", plan}, opts...)...)
	if err != nil || !strings.Contains(stdout, "no error") {
		t.Errorf("validate: %v\n%s", err, stdout)
	}
	stdout, _, err = runCLI(t, append([]string{"partition", "redraw", "--fix", "--plan", plan, "--out", filepath.Join(dir, "fixed.geojson")}, opts...)...)
	if err != nil || !strings.Contains(stdout, "0 blocks moved") {
		t.Errorf("redraw --fix: %v\n%s", err, stdout)
	}
	_, _, err = runCLI(t, append([]string{"import", "grids", filepath.Join(dir, "wards.shp"), "--out", plan}, opts...)...)
	if !errors.Is(err, errUnsupportedFormat) || !strings.Contains(err.Error(), "ogr2ogr -f GeoJSON") {
		t.Errorf("a shapefile: %v", err)
	}
}
