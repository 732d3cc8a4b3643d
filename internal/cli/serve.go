package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"wangge/data"
	"wangge/data/stores"
	"wangge/server"
)

// Environment variables that give the defaults of --db and --addr.
const (
	envDB   = "WANGGE_DB"
	envAddr = "WANGGE_ADDR"
)

// defaultDB is the store used when neither --db nor WANGGE_DB says.
const defaultDB = "wangge.gpkg"

// serveOptions are the flags of `wangge serve`.
type serveOptions struct {
	addr string
	db   string
}

func parseServe(args []string, stderr io.Writer) (serveOptions, error) {
	var o serveOptions
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", envOr(envAddr, server.DefaultAddr), "`host:port` to listen on (env "+envAddr+")")
	dbFlag(fs, &o.db)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wangge serve [--addr :8080] [--db wangge.gpkg|postgres://…]")
		fmt.Fprintln(stderr, "Serves the HTTP API until interrupted (SIGINT or SIGTERM), then drains requests in flight.")
		fs.PrintDefaults()
	}
	return o, parseFlags(fs, args)
}

// runServe is `wangge serve`.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseServe(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return withStore(ctx, o.db, func(store data.Store) error {
		srv, err := server.New(server.Options{
			Store:  store,
			Addr:   o.addr,
			Logger: slog.New(slog.NewTextHandler(stderr, nil)),
		})
		if err != nil {
			return err
		}
		addr, err := srv.Listen()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wangge: serving %s (store %s)\n", server.URL(addr), redactDSN(o.db))
		return srv.Serve(ctx)
	})
}

// withStore opens the store db names (stores.Open), runs fn on it and closes it; a
// failure to close is reported when fn succeeded.
func withStore(ctx context.Context, db string, fn func(data.Store) error) (err error) {
	store, err := stores.Open(ctx, db)
	if err != nil {
		return fmt.Errorf("open store %s: %w", redactDSN(db), err)
	}
	defer func() {
		if cerr := store.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close store %s: %w", redactDSN(db), cerr)
		}
	}()
	return fn(store)
}

// dbFlag adds --db, defaulting to WANGGE_DB or ./wangge.gpkg.
func dbFlag(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "db", envOr(envDB, defaultDB),
		"store: a GeoPackage `file` or a postgres:// URL (env "+envDB+")")
}

// parseFlags parses args and refuses positional arguments. It returns
// flag.ErrHelp for --help and ErrUsage for anything it cannot understand.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "wangge %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return ErrUsage
	}
	return nil
}

// helpIsNoError turns a --help request into success.
func helpIsNoError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// redactDSN hides the password of a database URL.
func redactDSN(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}
