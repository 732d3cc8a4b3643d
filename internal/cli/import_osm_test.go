package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wangge/data"
	"wangge/data/osm"
	"wangge/data/stores"
)

// monacoPBF is the Monaco extract described in shared/data/MANIFEST.md.
const monacoPBF = "../../../shared/data/osm/monaco-latest.osm.pbf"

// needMonaco skips the test when the extract is missing.
func needMonaco(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(monacoPBF); err != nil {
		t.Skipf("test data %s is missing", monacoPBF)
	}
}

// importOSMCLI runs `wangge import osm` with args and returns its output.
func importOSMCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runImportOSM(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestImportOSMCommand(t *testing.T) {
	needMonaco(t)
	dir := t.TempDir()
	db, blocksOut, roadsOut := filepath.Join(dir, "w.gpkg"), filepath.Join(dir, "blocks.geojson"), filepath.Join(dir, "roads.geojson")
	out, err := importOSMCLI(t, monacoPBF, "--db", db, "--blocks-out", blocksOut, "--roads-out", roadsOut, "--min-block-m2", "800")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"buildings", "dwellings (estimated)", "residential", osm.OSMAttribution} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	fc, err := readFeatures(blocksOut)
	if err != nil {
		t.Fatal(err)
	}
	if fc.ExtraMembers["attribution"] != osm.OSMAttribution {
		t.Errorf("blocks file attribution %v", fc.ExtraMembers["attribution"])
	}
	blocks := storedBlocks(t, db)
	if len(blocks) == 0 || len(blocks) != len(fc.Features) {
		t.Errorf("store has %d blocks, file %d", len(blocks), len(fc.Features))
	}
	for i, f := range fc.Features {
		for _, k := range []string{"id", "kind", "households", "population"} {
			if _, ok := f.Properties[k]; !ok {
				t.Errorf("feature %d lacks %s", i, k)
			}
		}
	}
	checkStoredRoads(t, db, roadsOut, out)
}

// checkStoredRoads compares the roads in the store with the highway ways
// of the --roads-out file (one stored road per OSM way, whatever its
// parts) and with the count the command printed.
func checkStoredRoads(t *testing.T, db, roadsOut, out string) {
	t.Helper()
	fc, err := readFeatures(roadsOut)
	if err != nil {
		t.Fatal(err)
	}
	ways := map[string]string{} // road id → highway class
	for _, f := range fc.Features {
		ways[fmt.Sprintf("w%d", int64(f.Properties.MustFloat64("osm_id", 0)))] = f.Properties.MustString("highway", "")
	}
	s, err := stores.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	roads, err := s.Roads(context.Background(), data.BBoxQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(roads) < 1000 || len(roads) != len(ways) {
		t.Fatalf("store has %d roads, the roads file %d ways; Monaco has thousands", len(roads), len(ways))
	}
	for _, r := range roads {
		if class, ok := ways[string(r.ID)]; !ok || class != r.Class {
			t.Fatalf("stored road %s of class %q; the roads file has %q (listed: %v)", r.ID, r.Class, class, ok)
		}
	}
	if want := fmt.Sprintf(", %d roads\n", len(roads)); !strings.Contains(out, "stored in "+db) || !strings.Contains(out, want) {
		t.Errorf("output does not say %d roads were stored in %s:\n%s", len(roads), db, out)
	}
}

func TestImportOSMCommandBadInput(t *testing.T) {
	needMonaco(t)
	whole, err := os.ReadFile(monacoPBF)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tests := []struct {
		name    string
		content []byte
		want    error
	}{
		{"truncated", whole[:len(whole)*2/3], osm.ErrBadOSM},
		{"not OSM", []byte("{\"type\":\"FeatureCollection\"}"), osm.ErrNotOSM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file, db := filepath.Join(dir, tt.name+".osm.pbf"), filepath.Join(dir, tt.name+".gpkg")
			if err := os.WriteFile(file, tt.content, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := importOSMCLI(t, file, "--db", db)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), file) {
				t.Fatalf("error %v, want one naming %s and wrapping %v", err, file, tt.want)
			}
			if _, err := os.Stat(db); !os.IsNotExist(err) {
				t.Errorf("store %s was created for a rejected file", db)
			}
		})
	}
}
