package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"wangge/data"
	"wangge/data/sample"
	"wangge/internal/demo"
	"wangge/server"
)

// defaultDemoDB is the store the demo recreates when --db is not given.
func defaultDemoDB() string { return filepath.Join(os.TempDir(), "wangge-demo.gpkg") }

// demoOptions is the parsed command line of `wangge demo`.
type demoOptions struct {
	addr, db string
	build    demo.Options
}

// parseDemo parses the command line of `wangge demo`.
func parseDemo(args []string, stderr io.Writer) (demoOptions, error) {
	var o demoOptions
	fs := newFlags("demo", stderr,
		"usage: wangge demo [--addr :8080] [--db FILE]",
		"Builds blocks, buildings and a published plan of grids from the bundled OpenStreetMap extract",
		"of Monaco ("+sample.Attribution+") into a fresh GeoPackage, adds a synthetic patrol day",
		"(workers, GPS tracks, incidents, key places, all with ids starting sim-) and serves it.")
	fs.StringVar(&o.addr, "addr", server.DefaultAddr, "`host:port` to listen on")
	fs.StringVar(&o.db, "db", "", "new GeoPackage `file` to build the demo in (default "+defaultDemoDB()+", recreated)")
	fs.Float64Var(&o.build.Min, "min", 150, "fewest households of a basic grid")
	fs.Float64Var(&o.build.Max, "max", 500, "most households of a basic grid")
	err := parseFlags(fs, args)
	return o, err
}

// runDemo is `wangge demo`.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseDemo(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return serveDemo(ctx, o, stdout, stderr)
}

// serveDemo builds the demo workspace in a fresh store and serves it.
func serveDemo(ctx context.Context, o demoOptions, stdout, stderr io.Writer) error {
	if err := freshDemoDB(&o.db); err != nil {
		return err
	}
	o.build.Day = demo.Day(time.Now())
	return withStore(ctx, o.db, func(s data.Store) error {
		ws, err := demo.Build(ctx, s, o.build, stderr)
		if err != nil {
			return err
		}
		viewer, _, err := server.CreateToken(ctx, s, data.RoleViewer, "", "")
		if err != nil {
			return err
		}
		leader, _, err := server.CreateToken(ctx, s, data.RoleLeader, ws.Leader().ID, ws.Focus().Grids[0])
		if err != nil {
			return err
		}
		srv, err := server.New(server.Options{Store: s, Addr: o.addr, Logger: slog.New(slog.NewTextHandler(stderr, nil))})
		if err != nil {
			return err
		}
		addr, err := srv.Listen()
		if err != nil {
			return err
		}
		demo.Print(stdout, ws, time.Now())
		demo.PrintServing(stdout, server.URL(addr), o.db, viewer, leader, ws)
		return srv.Serve(ctx)
	})
}

// freshDemoDB settles the store path: the default one is removed and made
// anew; a path the user names must not exist yet, so that the demo never
// overwrites a real store.
func freshDemoDB(db *string) error {
	if *db != "" {
		if _, err := os.Stat(*db); err == nil {
			return fmt.Errorf("demo store %s already exists: remove it or name a new file", *db)
		}
		return nil
	}
	*db = defaultDemoDB()
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if err := os.Remove(*db + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("recreate demo store: %w", err)
		}
	}
	return nil
}
