package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"wangge/data"
	"wangge/data/stores"
	"wangge/internal/app"
	"wangge/internal/demo"
	"wangge/server"
)

// fixtureDir holds the demo workspace the tests of this package share.
var fixtureDir string

func TestMain(m *testing.M) {
	code := m.Run()
	checked, failures := server.CheckTraffic()
	for _, f := range failures {
		fmt.Fprintln(os.Stderr, "OpenAPI:", f)
	}
	if len(failures) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d of %d exchanges of the tests do not match the OpenAPI document\n", len(failures), checked)
		code = 1
	}
	if demoWS != nil {
		demoWS.srv.Close()
		demoWS.store.Close()
	}
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// demoFixture is the Monaco demo workspace in a GeoPackage, served.
type demoFixture struct {
	store  data.Store
	srv    *httptest.Server
	admin  string // an admin token's secret
	viewer string
}

var (
	demoOnce sync.Once
	demoWS   *demoFixture
	demoErr  error
)

// demoWorkspace builds the demo workspace once for the test binary
// (internal/demo.Build, a few seconds) and serves it.
func demoWorkspace(t testing.TB) *demoFixture {
	t.Helper()
	demoOnce.Do(func() { demoWS, demoErr = buildDemo() })
	if demoErr != nil {
		t.Fatalf("demo workspace: %v", demoErr)
	}
	return demoWS
}

func buildDemo() (*demoFixture, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "wangge-server-test-")
	if err != nil {
		return nil, err
	}
	fixtureDir = dir
	st, err := stores.Open(ctx, filepath.Join(dir, "demo.gpkg"))
	if err != nil {
		return nil, err
	}
	if _, err := demo.Build(ctx, st, demo.Options{Min: 150, Max: 500, Day: demo.Day(time.Now())}, nil); err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	f := &demoFixture{store: st}
	for role, secret := range map[data.Role]*string{data.RoleAdmin: &f.admin, data.RoleViewer: &f.viewer} {
		if *secret, _, err = app.CreateToken(ctx, st, role, "", ""); err != nil {
			return nil, err
		}
	}
	s, err := server.New(server.Options{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return nil, err
	}
	f.srv = httptest.NewServer(server.Record(s))
	return f, nil
}
