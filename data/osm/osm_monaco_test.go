package osm

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/wkt"

	"wangge/data"
	"wangge/data/gpkg"
	"wangge/data/pgtest"
	"wangge/geo"
	"wangge/partition"
)

// importMonaco runs Import on the Monaco extract.
func importMonaco(tb testing.TB) *Result {
	tb.Helper()
	readMonaco(tb) // skips when the file is missing
	f, err := os.Open(monacoPath)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	res, err := Import(context.Background(), f, Options{File: monacoPath})
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func TestImportOSMMonaco(t *testing.T) {
	res := importMonaco(t)
	t.Logf("%d blocks %v, %d buildings (%d residential), %d dwellings, %d roads, warnings %q",
		len(res.Blocks), res.BlocksByKind(), len(res.Buildings), res.ResidentialBuildings, res.Dwellings, len(res.Roads), res.Warnings)
	if len(res.Blocks) < 20 || len(res.Buildings) < 1000 {
		t.Fatalf("%d blocks and %d buildings: too few for Monaco's 1,237 buildings", len(res.Blocks), len(res.Buildings))
	}
	byBlock := make(map[partition.BlockID]int)
	total := 0
	for _, b := range res.Buildings {
		byBlock[b.Block] += b.Households
		total += b.Households
	}
	if total != res.Dwellings {
		t.Errorf("buildings hold %d households, report says %d dwellings", total, res.Dwellings)
	}
	seen := make(map[partition.BlockID]bool)
	for _, b := range res.Blocks {
		t.Run(string(b.ID), func(t *testing.T) {
			if seen[b.ID] {
				t.Errorf("id repeated")
			}
			seen[b.ID] = true
			if err := geo.Validate(b.Geometry); err != nil {
				t.Error(err)
			}
			if b.Kind == "" {
				t.Error("no kind")
			}
			if b.Households != byBlock[b.ID] {
				t.Errorf("households %d, its buildings hold %d", b.Households, byBlock[b.ID])
			}
			if want := int(float64(b.Households)*2.5 + 0.5); b.Population != want {
				t.Errorf("population %d, want %d", b.Population, want)
			}
		})
	}
}

// TestMonacoBlocksDoNotOverlap asks PostGIS whether any two blocks share
// interior (ST_Relate pattern 2********) and whether every block is valid.
func TestMonacoBlocksDoNotOverlap(t *testing.T) {
	res := importMonaco(t)
	conn := pgtest.Conn(t)
	ctx := context.Background()
	ids := make([]string, len(res.Blocks))
	texts := make([]string, len(res.Blocks))
	for i, b := range res.Blocks {
		ids[i], texts[i] = string(b.ID), wkt.MarshalString(b.Geometry)
	}
	var overlaps, invalid int
	err := conn.QueryRow(ctx, `
		WITH b AS (SELECT id, ST_GeomFromText(w, 4326) AS g FROM unnest($1::text[], $2::text[]) AS t(id, w))
		SELECT (SELECT count(*) FROM b x JOIN b y ON x.id < y.id AND x.g && y.g AND ST_Relate(x.g, y.g, '2********')),
		       (SELECT count(*) FROM b WHERE NOT ST_IsValid(g))`, ids, texts).Scan(&overlaps, &invalid)
	if err != nil {
		t.Fatal(err)
	}
	if overlaps != 0 || invalid != 0 {
		t.Errorf("PostGIS finds %d overlapping pairs and %d invalid blocks among %d", overlaps, invalid, len(ids))
	}
}

// BenchmarkImportMonaco measures a whole import of the Monaco extract from
// memory; peak-RSS-MB is the process's high-water mark of resident memory
// (VmHWM) after the runs.
func BenchmarkImportMonaco(b *testing.B) {
	readMonaco(b)
	raw, err := os.ReadFile(monacoPath)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Import(context.Background(), bytes.NewReader(raw), Options{File: monacoPath}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-sys-MB")
	if hwm, ok := vmHWM(); ok {
		b.ReportMetric(hwm, "peak-RSS-MB")
	}
}

// vmHWM reads the process's peak resident set size in MB from
// /proc/self/status (Linux only).
func vmHWM() (float64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err == nil
		}
	}
	return 0, false
}

// failingBuildings is a real store whose PutBuildings fails, to test the
// undo of Save.
type failingBuildings struct{ data.Store }

var errInjected = errors.New("injected failure")

func (failingBuildings) PutBuildings(context.Context, []partition.Building) error { return errInjected }

// failingRoads is a real store whose PutRoads fails, after Save wrote
// the blocks and the buildings.
type failingRoads struct{ data.Store }

func (failingRoads) PutRoads(context.Context, []partition.Road) error { return errInjected }

func TestSaveOSM(t *testing.T) {
	res := importMonaco(t)
	ctx := context.Background()
	tests := []struct {
		name      string
		wrap      func(data.Store) data.Store
		wantErr   error
		blocks    int // blocks in the store afterwards, besides the old one
		buildings int // buildings afterwards, besides the old one
		roads     int
	}{
		{"saved", func(s data.Store) data.Store { return s }, nil, len(res.Blocks), len(res.Buildings), len(res.RoadLayer())},
		{"buildings fail: blocks undone", func(s data.Store) data.Store { return failingBuildings{s} }, errInjected, 0, 0, 0},
		{"roads fail: blocks and buildings undone", func(s data.Store) data.Store { return failingRoads{s} }, errInjected, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "osm.gpkg"))
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			// One block already there under an id the import reuses: it
			// must come back unchanged when the import is undone.
			old := res.Blocks[0]
			old.Kind, old.Name, old.Attrs = "old", "kept", nil
			if err := g.PutBlocks(ctx, []partition.Block{old}); err != nil {
				t.Fatal(err)
			}
			oldBuilding := res.Buildings[0]
			oldBuilding.Kind = "old"
			if err := g.PutBuildings(ctx, []partition.Building{oldBuilding}); err != nil {
				t.Fatal(err)
			}
			if _, err := Save(ctx, tt.wrap(g), res, SaveOptions{}); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Save: %v, want %v", err, tt.wantErr)
			}
			blocks, err := g.Blocks(ctx, data.BlockQuery{})
			if err != nil {
				t.Fatal(err)
			}
			buildings, err := g.Buildings(ctx, data.BBoxQuery{})
			if err != nil {
				t.Fatal(err)
			}
			roads, err := g.Roads(ctx, data.BBoxQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if len(blocks) != max(tt.blocks, 1) || len(buildings) != max(tt.buildings, 1) || len(roads) != tt.roads {
				t.Errorf("store holds %d blocks, %d buildings and %d roads, want %d, %d and %d",
					len(blocks), len(buildings), len(roads), max(tt.blocks, 1), max(tt.buildings, 1), tt.roads)
			}
			bld, err := g.Building(ctx, oldBuilding.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantBuildingKind := res.Buildings[0].Kind
			if tt.wantErr != nil {
				wantBuildingKind = "old"
			}
			if bld.Kind != wantBuildingKind {
				t.Errorf("building %s has kind %q, want %q", bld.ID, bld.Kind, wantBuildingKind)
			}
			b, err := g.Block(ctx, old.ID)
			if err != nil {
				t.Fatal(err)
			}
			wantKind := res.Blocks[0].Kind
			if tt.wantErr != nil {
				wantKind = "old"
			}
			if b.Kind != wantKind {
				t.Errorf("block %s has kind %q, want %q", old.ID, b.Kind, wantKind)
			}
		})
	}
}
