package server_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"wangge/data"
)

// needGDAL skips unless GDAL's command-line tools are installed (CI
// installs gdal-bin in .ci/setup.sh).
func needGDAL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		t.Skip("ogr2ogr not installed (gdal-bin); .ci/setup.sh installs it")
	}
}

// gdal runs a GDAL tool and returns its output.
func gdal(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

var (
	layerLine = regexp.MustCompile(`(?m)^Layer name: (\S+)$`)
	countLine = regexp.MustCompile(`(?m)^Feature Count: (\d+)$`)
)

// layerCounts reads the feature count of every layer of a file with
// ogrinfo.
func layerCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	out := gdal(t, nil, "ogrinfo", "-ro", "-so", "-al", path)
	names, counts := layerLine.FindAllStringSubmatch(out, -1), countLine.FindAllStringSubmatch(out, -1)
	if len(names) != len(counts) {
		t.Fatalf("ogrinfo: %d layers, %d counts:\n%s", len(names), len(counts), out)
	}
	m := make(map[string]int)
	for i := range names {
		m[names[i][1]], _ = strconv.Atoi(counts[i][1])
	}
	return m
}

// TestOGCWithGDAL is GDAL as the client: ogr2ogr copies every public
// collection of the demo workspace through the OAPIF driver, each with as
// many features as the store holds, and pages an admin through the
// 158,000 fixes of the tracks collection, 10,000 a page.
func TestOGCWithGDAL(t *testing.T) {
	needGDAL(t)
	f := demoWorkspace(t)
	ctx := context.Background()
	want := map[string]int{}
	blocks, err := f.store.Blocks(ctx, data.BlockQuery{})
	if err != nil {
		t.Fatal(err)
	}
	buildings, err := f.store.Buildings(ctx, data.BBoxQuery{})
	if err != nil {
		t.Fatal(err)
	}
	roads, err := f.store.Roads(ctx, data.BBoxQuery{})
	if err != nil {
		t.Fatal(err)
	}
	incs, err := f.store.Incidents(ctx, data.IncidentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := data.PublishedPlan(ctx, f.store)
	if err != nil {
		t.Fatal(err)
	}
	want["blocks"], want["buildings"], want["roads"], want["incidents"] = len(blocks), len(buildings), len(roads), len(incs)
	want["grids"], want["grids-"+string(plan.ID)] = len(plan.Grids), len(plan.Grids)
	if want["blocks"] < 100 || want["roads"] < 1000 {
		t.Fatalf("demo store: %d blocks, %d roads; the demo of Monaco has hundreds and thousands", want["blocks"], want["roads"])
	}

	t.Run("every public collection", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "public.gpkg")
		gdal(t, nil, "ogr2ogr", "-f", "GPKG", out, "OAPIF:"+f.srv.URL+"/ogc")
		got := layerCounts(t, out)
		if len(got) != len(want) {
			t.Errorf("layers %v, want %v (no private collection without a token)", got, want)
		}
		for name, n := range want {
			if got[name] != n {
				t.Errorf("layer %s: %d features, the store holds %d", name, got[name], n)
			}
		}
	})
	t.Run("tracks, 10000 a page", func(t *testing.T) {
		fixes, err := f.store.TrackPoints(ctx, data.TrackQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(fixes) <= 10000 {
			t.Fatalf("%d fixes; the test needs more than one page of 10000", len(fixes))
		}
		out := filepath.Join(t.TempDir(), "tracks.gpkg")
		gdal(t, []string{"GDAL_HTTP_HEADERS=Authorization: Bearer " + f.admin},
			"ogr2ogr", "-f", "GPKG", out, "OAPIF:"+f.srv.URL+"/ogc", "tracks", "-oo", "PAGE_SIZE=10000")
		got := gdal(t, nil, "ogrinfo", "-ro", "-q", "-sql", "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM tracks", out)
		wantLine := regexp.MustCompile(`n \(Integer\) = ` + strconv.Itoa(len(fixes)) + `\s+ids \(Integer\) = ` + strconv.Itoa(len(fixes)))
		if !wantLine.MatchString(got) {
			t.Errorf("copied tracks %s; want %d fixes, each once", got, len(fixes))
		}
	})
}
