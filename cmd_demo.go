package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"wangge/data"
	"wangge/data/sample"
	"wangge/partition"
	"wangge/server"
)

// demoPlanID names the plan `wangge demo` draws.
const demoPlanID partition.PlanID = "monaco-demo"

// demoDedicated are the block kinds that get dedicated grids in the demo.
var demoDedicated = []string{"school", "kindergarten", "university", "hospital", "clinic", "police", "marketplace"}

// demoOptions is the parsed command line of `wangge demo`.
type demoOptions struct {
	addr     string
	db       string
	min, max float64
}

// defaultDemoDB is the store the demo recreates when --db is not given.
func defaultDemoDB() string { return filepath.Join(os.TempDir(), "wangge-demo.gpkg") }

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o demoOptions
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", server.DefaultAddr, "`host:port` to listen on")
	fs.StringVar(&o.db, "db", "", "new GeoPackage `file` to build the demo in (default "+defaultDemoDB()+", recreated)")
	fs.Float64Var(&o.min, "min", 150, "fewest households of a basic grid")
	fs.Float64Var(&o.max, "max", 500, "most households of a basic grid")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wangge demo [--addr :8080] [--db FILE]")
		fmt.Fprintln(stderr, "Builds blocks, buildings and grids from the bundled OpenStreetMap extract of Monaco")
		fmt.Fprintln(stderr, "("+sample.Attribution+") into a fresh GeoPackage and serves them.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return helpIsNoError(err)
	}
	if err := freshDemoDB(&o.db); err != nil {
		return err
	}
	return withStore(ctx, o.db, func(s data.Store) error {
		res, drawn, err := buildDemo(ctx, s, o, stderr)
		if err != nil {
			return err
		}
		secret, _, err := server.CreateToken(ctx, s, data.RoleViewer, "", "")
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
		printOSMReport(stdout, sample.MonacoName, res)
		printDemo(stdout, serverURL(addr), o.db, secret, drawn)
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

// buildDemo derives blocks from the bundled extract, draws dedicated grids
// for institutions and basic grids by households, and stores blocks,
// buildings and the plan. The blocks go to the partition engine through
// the same GeoJSON a planner's `wangge partition --blocks` reads.
func buildDemo(ctx context.Context, s data.Store, o demoOptions, progress io.Writer) (*data.OSMResult, *partition.Result, error) {
	res, err := data.ImportOSM(ctx, bytes.NewReader(sample.MonacoPBF), data.OSMOptions{
		File: sample.MonacoName, Progress: progress, Size: int64(len(sample.MonacoPBF)),
	})
	if err != nil {
		return nil, nil, err
	}
	raw, err := json.Marshal(res.BlocksGeoJSON())
	if err != nil {
		return nil, nil, err
	}
	blocks, err := partition.ReadBlocks(bytes.NewReader(raw), sample.MonacoName, "id")
	if err != nil {
		return nil, nil, err
	}
	opt := partition.Options{
		Weight: "households", Min: o.min, Max: o.max,
		DedicatedField: "kind", DedicatedValues: demoDedicated, Seed: 1,
	}
	drawn, err := partition.Draw(ctx, blocks, opt)
	if err != nil {
		return nil, nil, fmt.Errorf("demo grids: %w", err)
	}
	if err := data.SaveOSM(ctx, s, res); err != nil {
		return nil, nil, err
	}
	grids := append([]partition.Grid(nil), drawn.Grids...)
	for i := range grids {
		grids[i].Plan = demoPlanID
	}
	plan := partition.Plan{
		ID: demoPlanID, Name: "Monaco demo plan (" + sample.Attribution + ")", Status: partition.PlanDraft,
		Params: map[string]string{
			"weight": opt.Weight, "min": fmt.Sprint(o.min), "max": fmt.Sprint(o.max),
			"dedicated": "kind=" + strings.Join(demoDedicated, ","), "seed": "1",
			"source": sample.MonacoName, "attribution": sample.Attribution,
		},
		Created: time.Now().UTC(),
		Grids:   grids,
	}
	if err := s.PutPlan(ctx, plan); err != nil {
		return nil, nil, err
	}
	return res, drawn, nil
}

// printDemo says where the demo is served and how to read it.
func printDemo(w io.Writer, url, db, secret string, drawn *partition.Result) {
	r := drawn.Report
	fmt.Fprintf(w, "\n%d grids (%d basic, %d dedicated) drawn by households in [%g, %g], plan %s\n",
		r.Grids, r.Basic, r.Dedicated, r.Min, r.Max, demoPlanID)
	fmt.Fprintf(w, "store: %s\n", db)
	fmt.Fprintf(w, "serving %s\n", url)
	fmt.Fprintf(w, "viewer token (shown once): %s\n", secret)
	fmt.Fprintf(w, "try: curl -H 'Authorization: Bearer %s' %s%s/blocks\n", secret, url, server.APIPrefix)
	fmt.Fprintf(w, "Map data %s. Press Ctrl-C to stop.\n", sample.Attribution)
}
