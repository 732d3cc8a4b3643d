package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"

	"wangge/data"
)

// monacoPBF is the Monaco extract described in shared/data/MANIFEST.md.
const monacoPBF = "../shared/data/osm/monaco-latest.osm.pbf"

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
	db, blocksOut := filepath.Join(dir, "w.gpkg"), filepath.Join(dir, "blocks.geojson")
	out, err := importOSMCLI(t, monacoPBF, "--db", db, "--blocks-out", blocksOut, "--min-block-m2", "800")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"buildings", "dwellings (estimated)", "residential", data.OSMAttribution} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	raw, err := os.ReadFile(blocksOut)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	if fc.ExtraMembers["attribution"] != data.OSMAttribution {
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
		{"truncated", whole[:len(whole)*2/3], data.ErrBadOSM},
		{"not OSM", []byte("{\"type\":\"FeatureCollection\"}"), data.ErrNotOSM},
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
