package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"wangge/data"
	"wangge/data/importer"
	"wangge/data/pgtest"
	"wangge/data/stores"
	"wangge/partition"
)

// providenceBlocks is the real block file described in shared/data/MANIFEST.md.
const providenceBlocks = "../../../shared/data/blocks/providence_blocks.geojson"

// runCLI runs the command line and returns what it printed.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = Run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestImportUsage(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr error
		stderr  []string
	}{
		{"no kind", []string{"import"}, ErrUsage, []string{"blocks"}},
		{"help lists kinds", []string{"import", "--help"}, nil, []string{"kinds:", "blocks"}},
		{"unknown kind", []string{"import", "shapes", "x.shp"}, ErrUsage, []string{`unknown kind "shapes"`, "blocks"}},
		{"blocks help lists flags", []string{"import", "blocks", "--help"}, nil,
			[]string{"-db", "-id-field", "-weight-field", "-kind-field", "-parent-field", "WANGGE_DB"}},
		{"blocks without a file", []string{"import", "blocks"}, ErrUsage, []string{"want one FILE.geojson, got 0"}},
		{"blocks with two files", []string{"import", "blocks", "a.geojson", "b.geojson"}, ErrUsage, []string{"got 2"}},
		{"unknown flag", []string{"import", "blocks", "a.geojson", "--households"}, ErrUsage, []string{"-households"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := runCLI(t, tt.args...)
			if !errors.Is(err, tt.wantErr) && !(err == nil && tt.wantErr == nil) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			for _, w := range tt.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		name string
		args []string
		db   string
		want []string
	}{
		{"flags first", []string{"--db", "x", "f"}, "x", []string{"f"}},
		{"flags last", []string{"f", "--db=x"}, "x", []string{"f"}},
		{"flags between", []string{"f", "-db", "x", "g"}, "x", []string{"f", "g"}},
		{"dashes end flags", []string{"--db", "x", "--", "-f", "--db"}, "x", []string{"-f", "--db"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var db string
			fs := newFlags("test", &bytes.Buffer{})
			dbFlag(fs, &db)
			got, err := parseInterspersed(fs, tt.args)
			if err != nil || db != tt.db || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %q db %q err %v, want %q db %q", got, db, err, tt.want, tt.db)
			}
		})
	}
}

// writeBadFile writes blocks whose last feature is bad (a ring that
// crosses itself), so that a loader that stored as it read would be caught.
func writeBadFile(t *testing.T, n int) string {
	t.Helper()
	var feats []string
	for i := range n {
		x := -71.40 + float64(i)*0.001
		ring := fmt.Sprintf("[[%g,41.8],[%g,41.8],[%g,41.801],[%g,41.801],[%g,41.8]]", x, x+0.0005, x+0.0005, x, x)
		if i == n-1 {
			ring = fmt.Sprintf("[[%g,41.8],[%g,41.801],[%g,41.8],[%g,41.801],[%g,41.8]]", x, x+0.0005, x+0.0005, x, x)
		}
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","properties":{"id":"extra-%d","population":%d},"geometry":{"type":"Polygon","coordinates":[%s]}}`, i, i, ring))
	}
	path := filepath.Join(t.TempDir(), "bad_blocks.geojson")
	src := `{"type":"FeatureCollection","features":[` + strings.Join(feats, ",\n") + "]}"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// storedBlocks opens the store and lists its blocks.
func storedBlocks(t *testing.T, dsn string) []partition.Block {
	t.Helper()
	s, err := stores.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	blocks, err := s.Blocks(context.Background(), data.BlockQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return blocks
}

// testImportBlocks imports the Providence blocks into dsn, then a file
// whose last feature is bad, and checks what the store holds each time.
func testImportBlocks(t *testing.T, dsn string) {
	if _, err := os.Stat(providenceBlocks); err != nil {
		t.Skipf("needs %s: %v", providenceBlocks, err)
	}
	stdout, _, err := runCLI(t, "import", "blocks", providenceBlocks, "--weight-field", "population", "--parent-field", "ward", "--db", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("imported 3014 blocks into %s\n", redactDSN(dsn)); stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	checkProvidence(t, storedBlocks(t, dsn))

	bad := writeBadFile(t, 50)
	stdout, _, err = runCLI(t, "import", "blocks", bad, "--weight-field", "population", "--db", dsn)
	var ie *importer.Error
	if !errors.As(err, &ie) || ie.Feature != 49 || ie.ID != "extra-49" || ie.Field != "geometry.coordinates" {
		t.Fatalf("bad file: error %v, want an *importer.Error at feature 49 (extra-49), geometry.coordinates", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, bad+": feature 49") || strings.Contains(msg, "\n") {
		t.Errorf("message %q should be one line starting with the file and feature", msg)
	}
	if stdout != "" {
		t.Errorf("a rejected import printed %q on stdout", stdout)
	}
	checkProvidence(t, storedBlocks(t, dsn))
}

// checkProvidence asserts that the store holds exactly the Providence
// blocks, with the figures MANIFEST.md gives.
func checkProvidence(t *testing.T, blocks []partition.Block) {
	t.Helper()
	sum, wards := 0, map[partition.AreaID]bool{}
	for _, b := range blocks {
		if strings.HasPrefix(string(b.ID), "extra-") {
			t.Fatalf("block %s of the rejected file was stored", b.ID)
		}
		sum += b.Population
		wards[b.Parent] = true
		if len(b.Geometry) == 0 || b.Attrs["tract"] == "" {
			t.Fatalf("block %s stored without geometry or tract: %+v", b.ID, b.Attrs)
		}
	}
	if len(blocks) != 3014 || sum != 178040 || len(wards) != 15 {
		t.Errorf("store holds %d blocks, population %d, %d wards; want 3014, 178040, 15", len(blocks), sum, len(wards))
	}
}

func TestImportBlocksGeoPackage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.gpkg")
	testImportBlocks(t, db)
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("GDAL's ogrinfo not installed: the GeoPackage was not checked by GDAL")
	}
	out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", db).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Feature Count: 3014") {
		t.Errorf("GDAL does not see 3014 blocks:\n%s", out)
	}
}

func TestImportBlocksPostGIS(t *testing.T) {
	testImportBlocks(t, pgtest.DSN(t))
}

func TestImportBlocksDBFromEnvironment(t *testing.T) {
	db := filepath.Join(t.TempDir(), "env.gpkg")
	t.Setenv("WANGGE_DB", db)
	src := filepath.Join(t.TempDir(), "one.geojson")
	err := os.WriteFile(src, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"b1","households":120},
		"geometry":{"type":"Polygon","coordinates":[[[117.55,34.86],[117.56,34.86],[117.56,34.87],[117.55,34.87],[117.55,34.86]]]}}]}`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	stdout, _, err := runCLI(t, "import", "blocks", src)
	if err != nil || stdout != "imported 1 blocks into "+db+"\n" {
		t.Fatalf("stdout %q, error %v", stdout, err)
	}
	if blocks := storedBlocks(t, db); len(blocks) != 1 || blocks[0].ID != "b1" || blocks[0].Households != 120 {
		t.Errorf("store holds %+v, want block b1 with 120 households", blocks)
	}
}

func TestImportBlocksCancelled(t *testing.T) {
	if _, err := os.Stat(providenceBlocks); err != nil {
		t.Skipf("needs %s: %v", providenceBlocks, err)
	}
	db := filepath.Join(t.TempDir(), "w.gpkg")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	err := Run(ctx, []string{"import", "blocks", providenceBlocks, "--weight-field", "population", "--db", db}, &out, &out)
	var ie *importer.Error
	if !errors.Is(err, context.Canceled) || !errors.As(err, &ie) || errors.Is(err, importer.ErrInvalidJSON) {
		t.Fatalf("error %v, want an ImportError wrapping context.Canceled (not invalid JSON)", err)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled import created the store %s (stat: %v)", db, err)
	}
}

func TestImportBlocksMissingFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.geojson")
	_, _, err := runCLI(t, "import", "blocks", missing, "--db", filepath.Join(t.TempDir(), "w.gpkg"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("error %v should say %s does not exist", err, missing)
	}
}
