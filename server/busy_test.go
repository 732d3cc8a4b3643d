package server

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" driver of the other process's connection

	"wangge/data"
	"wangge/data/gpkg"
)

// TestBusyGeoPackageAnswers503 holds the write lock of a GeoPackage from
// another connection (as another process writing would) and sends a write
// to a server on the same file, whose store waits 50 ms for the lock: the
// answer is 503 with Retry-After and a problem document, never a 500, and
// the same write goes through once the lock is free. /healthz, which
// writes a row of its own, is 503 meanwhile: a store that cannot write
// is not healthy.
func TestBusyGeoPackageAnswers503(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy.gpkg")
	st, err := gpkg.OpenTimeout(ctx, path, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s, _ := testServer(t, st, Options{})
	admin := token(t, st, data.RoleAdmin)

	other, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	const worker = `{"id":"w1","role":"full-time","device_id":"imei-1","grids":[]}`
	rec := request(t, s, http.MethodPost, "/api/v1/workers", admin, strings.NewReader(worker))
	p := decodeProblem(t, rec, http.StatusServiceUnavailable)
	if rec.Header().Get("Retry-After") == "" || !strings.Contains(p.Detail, "busy") {
		t.Errorf("503 without Retry-After (%q) or a word on the cause: %+v", rec.Header().Get("Retry-After"), p)
	}
	// The file can be read but not written: /healthz says so.
	rec = request(t, s, http.MethodGet, "/healthz", "", nil)
	decodeProblem(t, rec, http.StatusServiceUnavailable)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("/healthz: 503 without Retry-After")
	}
	if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, request(t, s, http.MethodPost, "/api/v1/workers", admin, strings.NewReader(worker)), http.StatusOK)
	wantStatus(t, request(t, s, http.MethodGet, "/healthz", "", nil), http.StatusOK)
}
