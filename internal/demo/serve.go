package demo

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"time"

	"wangge/data"
	"wangge/data/stores"
	"wangge/internal/app"
	"wangge/server"
)

// CreateTokens creates a token of each kind of user the map page serves:
// a viewer, the leader of the focus worker's grid, a planner.
func CreateTokens(ctx context.Context, st data.TokenStore, ws *Workspace) (Tokens, error) {
	var t Tokens
	var err error
	if t.Viewer, _, err = app.CreateToken(ctx, st, data.RoleViewer, "", ""); err != nil {
		return t, err
	}
	if t.Leader, _, err = app.CreateToken(ctx, st, data.RoleLeader, ws.Leader().ID, ws.Focus().Grids[0]); err != nil {
		return t, err
	}
	t.Planner, _, err = app.CreateToken(ctx, st, data.RolePlanner, "", "")
	return t, err
}

// Loopback is a demo workspace built in a GeoPackage of a folder and
// served on a loopback port, quietly: what the map page's browser tests
// and benchmark load.
type Loopback struct {
	URL       string // http://127.0.0.1:port
	Store     data.Store
	Tokens    Tokens
	Workspace *Workspace
	close     func() error
}

// ServeLoopback builds the demo (households of a basic grid in [150,
// 500], yesterday's patrol) in dir/demo.gpkg and serves it until Close,
// taking anonymous Open311 reports.
func ServeLoopback(ctx context.Context, dir string) (*Loopback, error) {
	st, err := stores.Open(ctx, filepath.Join(dir, "demo.gpkg"))
	if err != nil {
		return nil, err
	}
	l, err := serveLoopback(ctx, st)
	if err != nil {
		return nil, errors.Join(err, st.Close())
	}
	return l, nil
}

func serveLoopback(ctx context.Context, st data.Store) (*Loopback, error) {
	ws, err := Build(ctx, st, Options{Min: 150, Max: 500, Day: Day(time.Now())}, nil)
	if err != nil {
		return nil, err
	}
	tok, err := CreateTokens(ctx, st, ws)
	if err != nil {
		return nil, err
	}
	// Anonymous Open311 reports are taken, as by a service configured with
	// [open311] anonymous = true, so that the public view's report works.
	srv, err := server.New(server.Options{Store: st, Logger: slog.New(slog.DiscardHandler), AnonymousOpen311: true})
	if err != nil {
		return nil, err
	}
	hs := httptest.NewServer(srv)
	return &Loopback{URL: hs.URL, Store: st, Tokens: tok, Workspace: ws, close: func() error { hs.Close(); return st.Close() }}, nil
}

// Close stops serving and closes the store.
func (l *Loopback) Close() error { return l.close() }
