package gpkg_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/data/gpkg"
	"wangge/data/stores"
	"wangge/data/storetest"
	"wangge/internal/cputime"
	"wangge/partition"
)

// openGeoPackage opens (or creates) the GeoPackage at path, failing the test
// on error.
func openGeoPackage(t testing.TB, path string) *gpkg.Store {
	t.Helper()
	g, err := gpkg.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return g
}

func TestGeoPackageConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (data.Store, func() data.Store) {
		path := filepath.Join(t.TempDir(), "store.gpkg")
		return openGeoPackage(t, path), func() data.Store { return openGeoPackage(t, path) }
	})
}

// squareBlocks are n blocks of 0.01° squares along a row.
func squareBlocks(n int) []partition.Block {
	bs := make([]partition.Block, n)
	for i := range bs {
		x := 117 + 0.02*float64(i)
		bs[i] = partition.Block{ID: partition.BlockID(fmt.Sprintf("b%03d", i)), Households: i,
			Geometry: orb.MultiPolygon{{{{x, 34}, {x + 0.01, 34}, {x + 0.01, 34.01}, {x, 34.01}, {x, 34}}}}}
	}
	return bs
}

// rawDB opens a GeoPackage with the plain SQLite driver, as another tool would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestGeoPackageLayout checks the file against the GeoPackage 1.3
// requirements the store relies on, reading it with plain SQL.
func TestGeoPackageLayout(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "layout.gpkg")
	g := openGeoPackage(t, path)
	time.Sleep(20 * time.Millisecond) // last_change has millisecond resolution
	written := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	blocks := squareBlocks(5)
	if err := g.PutBlocks(ctx, blocks); err != nil {
		t.Fatal(err)
	}
	blocks[1].Geometry = orb.MultiPolygon{{{{100, 20}, {101, 20}, {101, 22}, {100, 20}}}}
	if err := g.PutBlocks(ctx, blocks[1:2]); err != nil {
		t.Fatal(err)
	}
	if err := g.DeleteBlock(ctx, blocks[4].ID); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	var appID, version int
	var check string
	for _, q := range []struct {
		sql  string
		dest any
	}{{"PRAGMA application_id", &appID}, {"PRAGMA user_version", &version}, {"PRAGMA integrity_check", &check}} {
		if err := db.QueryRow(q.sql).Scan(q.dest); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	if appID != 0x47504B47 || version != 10300 || check != "ok" {
		t.Fatalf("application_id %#x, user_version %d, integrity %q; want 0x47504b47, 10300, ok", appID, version, check)
	}

	// The layers the store promises, as GDAL will list them.
	want := map[string]string{
		"areas": "features MULTIPOLYGON", "blocks": "features MULTIPOLYGON", "buildings": "features MULTIPOLYGON",
		"roads": "features MULTILINESTRING", "grids": "features MULTIPOLYGON", "track_points": "features POINT", "incidents": "features POINT",
		"key_places": "features POINT", "plans": "attributes ", "plan_versions": "attributes ", "plan_publications": "attributes ", "workers": "attributes ",
		"incident_events": "attributes ", // tokens are not a layer
	}
	rows, err := db.Query(`SELECT c.table_name, c.data_type || ' ' || coalesce(g.geometry_type_name, '')
		FROM gpkg_contents c LEFT JOIN gpkg_geometry_columns g USING (table_name) WHERE coalesce(g.srs_id, 4326) = 4326`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for rows.Next() {
		var name, kind string
		if err := rows.Scan(&name, &kind); err != nil {
			t.Fatal(err)
		}
		got[name] = kind
	}
	rows.Close()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("gpkg_contents:\n got %v\nwant %v", got, want)
	}
	// last_change marks the layers written since, and only those.
	var changedBlocks, changedAreas string
	if err := db.QueryRow(`SELECT (SELECT last_change FROM gpkg_contents WHERE table_name = 'blocks'),
		(SELECT last_change FROM gpkg_contents WHERE table_name = 'areas')`).Scan(&changedBlocks, &changedAreas); err != nil {
		t.Fatal(err)
	}
	if changedBlocks < written || changedAreas >= written {
		t.Fatalf("last_change of blocks %s and areas %s; blocks were written from %s on, areas never", changedBlocks, changedAreas, written)
	}
	var srs int
	if err := db.QueryRow(`SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id IN (4326, 0, -1)`).Scan(&srs); err != nil || srs != 3 {
		t.Fatalf("required spatial reference systems: %d of 3 (%v)", srs, err)
	}
	var rtrees int
	if err := db.QueryRow(`SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'`).Scan(&rtrees); err != nil || rtrees != 7 {
		t.Fatalf("%d layers registered with gpkg_rtree_index, want 7 (%v)", rtrees, err)
	}

	// The rtree holds each remaining block's envelope (as float32, rounded outward).
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM rtree_blocks_geom`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("rtree_blocks_geom has %d entries, want 4 (%v)", n, err)
	}
	for _, b := range blocks[:4] {
		var minx, maxx, miny, maxy float64
		err := db.QueryRow(`SELECT minx, maxx, miny, maxy FROM rtree_blocks_geom r JOIN blocks b ON r.id = b.fid WHERE b.id = ?`, b.ID).
			Scan(&minx, &maxx, &miny, &maxy)
		if err != nil {
			t.Fatalf("rtree entry of %s: %v", b.ID, err)
		}
		bd := b.Geometry.Bound()
		if minx > bd.Min[0] || maxx < bd.Max[0] || miny > bd.Min[1] || maxy < bd.Max[1] ||
			math.Abs(minx-bd.Min[0]) > 1e-4 || math.Abs(maxy-bd.Max[1]) > 1e-4 {
			t.Fatalf("rtree entry of %s is [%v %v %v %v], want about %v", b.ID, minx, maxx, miny, maxy, bd)
		}
	}
}

func TestGeoPackageRefusesOtherSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE notes (txt TEXT)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := gpkg.Open(context.Background(), path); !errors.Is(err, gpkg.ErrNotGeoPackage) {
		t.Fatalf("opening a plain SQLite file: %v, want an error wrapping ErrNotGeoPackage", err)
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "open.gpkg")
	s, err := stores.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*gpkg.Store); !ok {
		t.Fatalf("Open(%q) gave %T, want *gpkg.Store", path, s)
	}
	s.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s, err = stores.Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil || s != nil {
		t.Fatalf("Open of an unreachable PostGIS: %v, %v; want a nil store and an error", s, err)
	}
}

// TestGeoPackageConcurrentWriters has several goroutines write fixes at
// once: SQLite serialises them (busy_timeout) and none is lost.
func TestGeoPackageConcurrentWriters(t *testing.T) {
	g := openGeoPackage(t, filepath.Join(t.TempDir(), "concurrent.gpkg"))
	defer g.Close()
	const writers, batches, size = 4, 10, 500
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches)
	for w := range writers {
		wg.Go(func() {
			id := patrol.WorkerID(fmt.Sprintf("w%d", w))
			for b := range batches {
				if _, err := g.PutTrackPoints(context.Background(), storetest.Fixes(id, b*size, size)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	all, err := g.TrackPoints(context.Background(), data.TrackQuery{})
	if err != nil || len(all) != writers*batches*size {
		t.Fatalf("%d fixes stored (%v), want %d", len(all), err, writers*batches*size)
	}
}

// killChildEnv makes the test binary the child of TestGeoPackageSurvivesKill.
const killChildEnv = "WANGGE_GPKG_KILL_CHILD"

// TestGeoPackageSurvivesKill stores blocks and fixes in a child process
// that kills itself with SIGKILL right after the puts return, then checks
// that every acknowledged write is in the file.
func TestGeoPackageSurvivesKill(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		g := openGeoPackage(t, path)
		ctx := context.Background()
		if err := g.PutBlocks(ctx, squareBlocks(50)); err != nil {
			t.Fatal(err)
		}
		if _, err := g.PutTrackPoints(ctx, storetest.Fixes("w", 0, 5000)); err != nil {
			t.Fatal(err)
		}
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		return
	}
	path := filepath.Join(t.TempDir(), "killed.gpkg")
	cmd := exec.Command(os.Args[0], "-test.run=^TestGeoPackageSurvivesKill$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die by SIGKILL: %v\n%s", err, out)
	}
	// The SQLite header (https://sqlite.org/fileformat.html) of the main
	// file already says GeoPackage 1.3: user_version at offset 60,
	// application_id at 68, both big-endian.
	head := make([]byte, 72)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if string(head[68:72]) != "GPKG" || binary.BigEndian.Uint32(head[60:64]) != 10300 {
		t.Fatalf("file header: application_id %q, user_version %d; want GPKG, 10300",
			head[68:72], binary.BigEndian.Uint32(head[60:64]))
	}
	g := openGeoPackage(t, path)
	defer g.Close()
	ctx := context.Background()
	blocks, err := g.Blocks(ctx, data.BlockQuery{})
	if err != nil || len(blocks) != 50 {
		t.Fatalf("after kill -9: %d blocks (%v), want 50", len(blocks), err)
	}
	fixes, err := g.TrackPoints(ctx, data.TrackQuery{})
	if err != nil || len(fixes) != 5000 {
		t.Fatalf("after kill -9: %d fixes (%v), want 5000", len(fixes), err)
	}
}

// BenchmarkGeoPackageTrackInsert puts batches of 10,000 new fixes, one
// transaction each, into a store that grows as it goes. It reports
// points/s, points per CPU-second of the process (SQLite runs in it) and
// the file's bytes per fix.
func BenchmarkGeoPackageTrackInsert(b *testing.B) {
	const batch = 10000
	path := filepath.Join(b.TempDir(), "bench.gpkg")
	g := openGeoPackage(b, path)
	ctx := context.Background()
	batches := make([][]patrol.TrackPoint, b.N)
	for i := range batches {
		batches[i] = storetest.Fixes(patrol.WorkerID(fmt.Sprintf("w%d", i%100)), i*batch, batch)
	}
	b.ResetTimer()
	cpu0 := cputime.Self().Seconds()
	for i := range b.N {
		n, err := g.PutTrackPoints(ctx, batches[i])
		if err != nil || n != batch {
			b.Fatalf("batch %d: %d new, %v", i, n, err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(b.N*batch)/(cputime.Self().Seconds()-cpu0), "points/cpu-s")
	if err := g.Close(); err != nil { // checkpoints the WAL into the file
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/float64(b.N*batch), "disk-B/point")
}

// BenchmarkGeoPackageBlocksBBox asks for the Providence blocks in boxes of
// about 500 m × 500 m spread over the city, as a map tile would.
func BenchmarkGeoPackageBlocksBBox(b *testing.B) {
	blocks := storetest.ProvidenceBlocks(b)
	g := openGeoPackage(b, filepath.Join(b.TempDir(), "bbox.gpkg"))
	defer g.Close()
	ctx := context.Background()
	if err := g.PutBlocks(ctx, blocks); err != nil {
		b.Fatal(err)
	}
	var all orb.Bound
	for i, bl := range blocks {
		if i == 0 {
			all = bl.Geometry.Bound()
		}
		all = all.Union(bl.Geometry.Bound())
	}
	const side = 0.005 // degrees, about 400–550 m at 41.8° N
	cols := int((all.Max[0] - all.Min[0]) / side)
	rows := int((all.Max[1] - all.Min[1]) / side)
	found := 0
	b.ResetTimer()
	for i := range b.N {
		cell := (i * 7919) % (cols * rows) // a prime stride visits the cells in scattered order
		x := all.Min[0] + side*float64(cell%cols)
		y := all.Min[1] + side*float64(cell/cols)
		box := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + side, y + side}}
		got, err := g.Blocks(ctx, data.BlockQuery{BBoxQuery: data.BBoxQuery{BBox: &box}})
		if err != nil {
			b.Fatal(err)
		}
		found += len(got)
	}
	b.ReportMetric(float64(found)/float64(b.N), "blocks/query")
}
