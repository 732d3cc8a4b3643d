package cli

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wangge/internal/plantest"
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
	plantest.CheckCover(t, blocks, grids)
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

// A demo whose --addr is taken fails at once, before it builds anything,
// names the address, and leaves no store behind.
func TestDemoPortBusy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir) // where the temporary store goes
	tests := []struct {
		name string
		args []string
	}{
		{"temporary store", nil},
		{"named store", []string{"--db", filepath.Join(dir, "named.gpkg")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := runCLI(t, append([]string{"demo", "--addr", addr}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "nothing was built") {
				t.Fatalf("error %v, want one naming %s and saying nothing was built", err, addr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if left, _ := os.ReadDir(dir); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

func TestNewDemoDB(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	existing := filepath.Join(dir, "real.gpkg")
	if err := os.WriteFile(existing, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	first, err := newDemoDB("")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		db      string
		want    func(string) bool
		wantErr bool
	}{
		{"temporary", "", func(db string) bool {
			ok, _ := filepath.Match(filepath.Join(dir, demoDBPattern), db)
			_, err := os.Stat(db)
			return ok && err == nil
		}, false},
		{"a second temporary one is another file", "", func(db string) bool { return db != first }, false},
		{"a new file", filepath.Join(dir, "new.gpkg"), func(db string) bool { return db == filepath.Join(dir, "new.gpkg") }, false},
		{"an existing file is refused", existing, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := newDemoDB(tt.db)
			if (err != nil) != tt.wantErr {
				t.Fatalf("newDemoDB(%q) = %q, %v", tt.db, db, err)
			}
			if err == nil && !tt.want(db) {
				t.Errorf("newDemoDB(%q) = %q", tt.db, db)
			}
		})
	}
}

// The demo builds in a new temporary store, prints it and the URL, and
// serves until cancelled.
func TestDemoServes(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	lines, stop := startCLI(t, func(line string) bool { return strings.HasPrefix(line, "serving ") }, "demo", "--addr", "127.0.0.1:0")
	url := strings.TrimPrefix(lines[len(lines)-1], "serving ")
	var store string
	for _, line := range lines {
		if s, ok := strings.CutPrefix(line, "store: "); ok {
			store = s
		}
	}
	if ok, _ := filepath.Match(filepath.Join(dir, demoDBPattern), store); !ok {
		t.Errorf("store %q, want a new file %s", store, filepath.Join(dir, demoDBPattern))
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz: status %d", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatalf("demo after cancel: %v", err)
	}
	if _, err := os.Stat(store); err != nil {
		t.Errorf("the demo store is gone after the demo: %v", err)
	}
}
