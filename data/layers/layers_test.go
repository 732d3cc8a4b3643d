package layers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// hashStreets are four streets crossing in a # around a 0.002° square,
// and a building in it with 8 levels tagged.
const hashStreets = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[[7.420,7.421],[7.424,7.421]]}},
{"type":"Feature","properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[[7.420,7.423],[7.424,7.423]]}},
{"type":"Feature","properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[[7.421,7.420],[7.421,7.424]]}},
{"type":"Feature","properties":{"highway":"residential"},"geometry":{"type":"LineString","coordinates":[[7.423,7.420],[7.423,7.424]]}}]}`

const hashBuilding = `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"B1","properties":{"building":"apartments","floors":"8"},"geometry":{"type":"Polygon","coordinates":[[[7.4215,7.4215],[7.4225,7.4215],[7.4225,7.4225],[7.4215,7.4225],[7.4215,7.4215]]]}}]}`

func writeFile(t testing.TB, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportGeoJSON: the centre square of the # holds the building, whose
// households come from its mapped levels field; the block says so.
func TestImportGeoJSON(t *testing.T) {
	res, err := Import(context.Background(), Options{Streets: Layer{File: writeFile(t, "s.geojson", hashStreets)},
		Buildings: Layer{File: writeFile(t, "b.geojson", hashBuilding)}, Fields: map[string]string{"levels": "floors"}})
	if err != nil {
		t.Fatal(err)
	}
	homes := 0
	for _, b := range res.Blocks {
		if b.Households > 0 {
			homes++
			if b.Attrs["households_from"] != "tagged" || b.Kind != "residential" || b.Households < 100 {
				t.Errorf("block %s: %d households from %q, kind %s", b.ID, b.Households, b.Attrs["households_from"], b.Kind)
			}
		}
	}
	if homes != 1 || len(res.Buildings) != 1 || res.Buildings[0].Levels != 8 || res.Homes.TaggedShare() != 1 {
		t.Fatalf("%d blocks with homes, buildings %+v, tally %v", homes, res.Buildings, res.Homes)
	}
	if _, err := Import(context.Background(), Options{Streets: Layer{File: writeFile(t, "s.geojson", hashStreets)},
		Fields: map[string]string{"colour": "x"}}); !errors.Is(err, ErrMapping) {
		t.Fatalf("unknown field mapped: %v", err)
	}
}

// FuzzImportGeoJSON feeds the streets layer any bytes: no panic, and a
// result has blocks.
func FuzzImportGeoJSON(f *testing.F) {
	f.Add(hashStreets)
	f.Add(hashBuilding)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}`)
	f.Fuzz(func(t *testing.T, text string) {
		res, err := Import(context.Background(), Options{Streets: Layer{File: writeFile(t, "s.geojson", text)}})
		if err == nil && len(res.Blocks) == 0 {
			t.Fatal("no error and no blocks")
		}
	})
}
