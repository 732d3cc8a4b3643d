package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"wangge/data"
	"wangge/data/sample"
	"wangge/internal/app"
	"wangge/internal/demo"
	"wangge/server"
)

// demoDBPattern names the new temporary file the demo builds in when
// --db is not given (os.CreateTemp).
const demoDBPattern = "wangge-demo-*.gpkg"

// demoOptions is the parsed command line of `wangge demo`.
type demoOptions struct {
	addr, db string
	build    demo.Options
	study    bool // the study's Y community instead of Monaco
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
	fs.StringVar(&o.db, "db", "", "new GeoPackage `file` to build the demo in (default: a new temporary file "+
		filepath.Join(os.TempDir(), demoDBPattern)+", printed)")
	fs.BoolVar(&o.study, "study", false, "build the study's Y community instead (8 basic and 5 dedicated grids on synthetic streets, a month of patrols and incidents, the month before this one)")
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

// serveDemo builds the demo workspace in a new store and serves it. It
// listens before it builds, so that a busy --addr fails at once and the
// port stays held during the build; a demo that fails before it serves
// removes the store it made.
func serveDemo(ctx context.Context, o demoOptions, stdout, stderr io.Writer) (err error) {
	db, err := newDemoDB(o.db)
	if err != nil {
		return err
	}
	serving := false
	defer func() {
		if !serving {
			err = errors.Join(err, removeDemoDB(db))
		}
	}()
	o.build.Day = demo.Day(time.Now())
	return withStore(ctx, db, func(s data.Store) error {
		srv, err := server.New(server.Options{Store: s, Addr: o.addr, Logger: slog.New(slog.NewTextHandler(stderr, nil))})
		if err != nil {
			return err
		}
		addr, err := srv.Listen()
		if err != nil {
			return fmt.Errorf("demo: --addr %s: %w; nothing was built (free the port or give another --addr)", o.addr, err)
		}
		if o.study {
			ws, err := demo.Study(ctx, s, demo.StudyMonth(time.Now()))
			if err != nil {
				return err
			}
			leader, _, err := app.CreateToken(ctx, s, data.RoleLeader, ws.Leader.ID, ws.Workers[0].Grids[0])
			if err != nil {
				return err
			}
			demo.PrintStudy(stdout, ws, server.URL(addr), redactDSN(db), leader)
			serving = true
			return srv.Serve(ctx)
		}
		ws, err := demo.Build(ctx, s, o.build, stderr)
		if err != nil {
			return err
		}
		tok, err := demo.CreateTokens(ctx, s, ws)
		if err != nil {
			return err
		}
		demo.Print(stdout, ws, time.Now())
		demo.PrintServing(stdout, server.URL(addr), redactDSN(db), tok, ws)
		serving = true
		return srv.Serve(ctx)
	})
}

// newDemoDB is the store the demo builds in. A file the user names must
// not exist yet, so that the demo never overwrites a real store; without
// one it is a new temporary file, so that two demos never share one.
func newDemoDB(db string) (string, error) {
	if db != "" {
		if _, err := os.Stat(db); err == nil {
			return "", fmt.Errorf("demo store %s already exists: remove it or name a new file", db)
		}
		return db, nil
	}
	f, err := os.CreateTemp("", demoDBPattern)
	if err != nil {
		return "", fmt.Errorf("demo store: %w", err)
	}
	return f.Name(), f.Close()
}

// removeDemoDB removes the GeoPackage file db and SQLite's files beside
// it; a database URL is left alone.
func removeDemoDB(db string) error {
	if strings.Contains(db, "://") {
		return nil
	}
	var errs []error
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if err := os.Remove(db + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove demo store: %w", err))
		}
	}
	return errors.Join(errs...)
}
