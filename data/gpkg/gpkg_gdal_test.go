package gpkg_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
	"wangge/data/storetest"
	"wangge/partition"
)

// gdal runs a GDAL program and fails the test on an error or on any
// warning it prints.
func gdal(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	if s := stderr.String(); strings.Contains(s, "Warning") || strings.Contains(s, "ERROR") {
		t.Fatalf("%s %s printed:\n%s", name, strings.Join(args, " "), s)
	}
	return string(out)
}

// TestGeoPackageGDAL has GDAL read what the store wrote: the layers, the
// block count, every block's geometry and fields, the spatial index.
func TestGeoPackageGDAL(t *testing.T) {
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Skip("GDAL referee skipped: ogrinfo is not on PATH (CI installs gdal-bin)")
	}
	blocks := storetest.ProvidenceBlocks(t)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "gdal.gpkg")
	g := openGeoPackage(t, path)
	if err := g.PutBlocks(ctx, blocks); err != nil {
		t.Fatal(err)
	}
	roads := []partition.Road{
		{ID: "r1", Class: "primary", Name: "Boulevard Albert 1er", Geometry: orb.MultiLineString{{{7.42, 43.73}, {7.421, 43.731}, {7.423, 43.731}}}},
		{ID: "r2", Class: "footway", Geometry: orb.MultiLineString{{{7.41, 43.72}, {7.411, 43.72}}, {{7.412, 43.72}, {7.413, 43.721}}}},
	}
	if err := g.PutRoads(ctx, roads); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 8, 0, 0, 123456000, time.UTC)
	if _, err := g.PutTrackPoints(ctx, []patrol.TrackPoint{{Worker: "w", Time: at, Point: orb.Point{117, 34}}}); err != nil {
		t.Fatal(err)
	}
	if err := g.PutIncidents(ctx, []incident.Incident{{ID: "i", Status: incident.StatusReported, Reported: at,
		Location: orb.Point{117, 34}, Events: []incident.Event{{Time: at, To: incident.StatusReported}}}}); err != nil {
		t.Fatal(err)
	}
	if err := g.PutPlan(ctx, partition.Plan{ID: "p", Status: partition.PlanDraft, Created: at}); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("layers", func(t *testing.T) {
		out := gdal(t, "ogrinfo", "-ro", "-q", path)
		for _, layer := range []string{"areas", "blocks", "buildings", "roads", "grids", "track_points", "incidents",
			"key_places", "plans", "plan_versions", "workers", "incident_events"} {
			if !regexp.MustCompile(`(?m)^\d+: ` + layer + ` \(`).MatchString(out) {
				t.Errorf("ogrinfo does not list layer %s:\n%s", layer, out)
			}
		}
		if strings.Contains(out, "tokens") {
			t.Errorf("ogrinfo lists the tokens:\n%s", out)
		}
	})
	t.Run("all layers read", func(t *testing.T) {
		out := gdal(t, "ogrinfo", "-ro", "-al", path, "track_points", "incidents", "incident_events", "plans")
		if !strings.Contains(out, "2026/03/01 08:00:00.123") {
			t.Errorf("GDAL did not read the times as datetimes:\n%s", out)
		}
	})
	t.Run("validate_gpkg", func(t *testing.T) {
		// GDAL's own GeoPackage validator, when its Python bindings are installed.
		python := "python3"
		if _, err := os.Stat("/usr/bin/python3"); err == nil {
			python = "/usr/bin/python3"
		}
		if exec.Command(python, "-c", "import osgeo_utils.samples.validate_gpkg").Run() != nil {
			t.Skip("validate_gpkg skipped: GDAL's Python bindings (python3-gdal) are not installed")
		}
		gdal(t, python, "-m", "osgeo_utils.samples.validate_gpkg", "--extra", "--warning-as-error", path)
	})
	t.Run("feature count", func(t *testing.T) {
		out := gdal(t, "ogrinfo", "-ro", path, "blocks", "-so")
		want := "Feature Count: " + strconv.Itoa(len(blocks))
		if !strings.Contains(out, want) {
			t.Fatalf("ogrinfo blocks -so lacks %q:\n%s", want, out)
		}
	})
	t.Run("spatial index", func(t *testing.T) {
		for _, layer := range []string{"blocks", "roads"} {
			out := gdal(t, "ogrinfo", "-ro", "-q", path, "-sql", "SELECT HasSpatialIndex('"+layer+"', 'geom')")
			if !strings.Contains(out, "(Integer) = 1") {
				t.Fatalf("GDAL sees no spatial index on %s:\n%s", layer, out)
			}
		}
	})
	t.Run("roads", func(t *testing.T) {
		if out := gdal(t, "ogrinfo", "-ro", "-q", path); !strings.Contains(out, "roads (Multi Line String)") {
			t.Fatalf("ogrinfo does not list roads as Multi Line String:\n%s", out)
		}
		fc := gdalLayer(t, path, "roads")
		if len(fc.Features) != len(roads) {
			t.Fatalf("ogr2ogr wrote %d roads, want %d", len(fc.Features), len(roads))
		}
		for i, r := range roads { // GDAL reads in fid order, the order they were put
			f := fc.Features[i]
			if f.Properties.MustString("id", "") != string(r.ID) || f.Properties.MustString("class", "") != r.Class ||
				f.Properties.MustString("name", "") != r.Name {
				t.Fatalf("road %d: GDAL read %v, stored %+v", i, f.Properties, r)
			}
			storetest.SameGeometry(t, "road "+string(r.ID), r.Geometry, f.Geometry)
		}
	})
	t.Run("ogr2ogr", func(t *testing.T) {
		fc := gdalLayer(t, path, "blocks")
		if len(fc.Features) != len(blocks) {
			t.Fatalf("ogr2ogr wrote %d blocks, want %d", len(fc.Features), len(blocks))
		}
		byID := map[string]*geojson.Feature{}
		for _, f := range fc.Features {
			byID[f.Properties.MustString("id", "")] = f
		}
		for _, b := range blocks {
			f := byID[string(b.ID)]
			if f == nil {
				t.Fatalf("block %s missing from ogr2ogr's output", b.ID)
			}
			got, ok := f.Geometry.(orb.MultiPolygon)
			if !ok {
				t.Fatalf("block %s: GDAL wrote a %s", b.ID, f.Geometry.GeoJSONType())
			}
			storetest.SameGeometry(t, "block "+string(b.ID), b.Geometry, got)
			// GDAL writes a JSON text field as a JSON value.
			attrs, ok := f.Properties["attrs"].(map[string]any)
			if !ok {
				t.Fatalf("block %s: attrs %#v, want a JSON object", b.ID, f.Properties["attrs"])
			}
			if f.Properties.MustString("kind", "") != b.Kind || f.Properties.MustString("parent", "") != string(b.Parent) ||
				int(f.Properties.MustFloat64("households", -1)) != b.Households ||
				int(f.Properties.MustFloat64("population", -1)) != b.Population ||
				attrs["ward"] != b.Attrs["ward"] || attrs["tract"] != b.Attrs["tract"] {
				t.Fatalf("block %s: GDAL read %v, stored %+v", b.ID, f.Properties, b)
			}
		}
	})
}

// gdalLayer has ogr2ogr write one layer of the GeoPackage at path as
// GeoJSON and reads it back.
func gdalLayer(t *testing.T, path, layer string) *geojson.FeatureCollection {
	t.Helper()
	out := filepath.Join(t.TempDir(), layer+".geojson")
	gdal(t, "ogr2ogr", "-f", "GeoJSON", out, path, layer)
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatalf("ogr2ogr's %s: %v", layer, err)
	}
	return fc
}
