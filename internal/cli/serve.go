package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"wangge/data"
	"wangge/data/stores"
	"wangge/internal/config"
	"wangge/internal/window"
	"wangge/server"
)

// envDB gives the default of --db; for wangge serve it is one of the
// configuration's variables (config.ApplyEnv).
const envDB = "WANGGE_DB"

// serveOptions are the flags of `wangge serve`.
type serveOptions struct {
	config   string // TOML file; none: the defaults and the environment
	addr, db string // override the configuration when given
	create   bool   // make the GeoPackage when it does not exist
}

func parseServe(args []string, stderr io.Writer) (serveOptions, error) {
	var o serveOptions
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.config, "config", "", "settings `file` in TOML (see wangge.example.toml); WANGGE_* variables override it, flags override both")
	fs.StringVar(&o.addr, "addr", "", "`host:port` to listen on (default: addr of --config, env WANGGE_ADDR, or "+server.DefaultAddr+")")
	fs.StringVar(&o.db, "db", "", "store: a GeoPackage `file` or a postgres:// URL (default: db of --config, env "+envDB+", or "+config.DefaultDB+")")
	fs.BoolVar(&o.create, "create", false, "create the GeoPackage when the file does not exist (without it, a missing file is an error)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wangge serve [--config wangge.toml] [--addr :8080] [--db wangge.gpkg|postgres://…] [--create]")
		fmt.Fprintln(stderr, "Serves the HTTP API until interrupted (SIGINT or SIGTERM), then drains requests in flight.")
		fmt.Fprintln(stderr, "Settings come from --config, then WANGGE_ and the key in upper case (WANGGE_ZONE,")
		fmt.Fprintln(stderr, "WANGGE_LIMITS_WRITE_TIMEOUT, …), then the flags. Time windows are [from, to); plain")
		fmt.Fprintln(stderr, "dates are midnights in the configured zone (default "+window.DefaultZone+").")
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
	cfg, said, err := serveConfig(o, os.Getenv)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "wangge: "+said)
	if err := storeExists(cfg.DB, o.create); err != nil {
		return err
	}
	return withStore(ctx, cfg.DB, func(store data.Store) error {
		opts := cfg.ServerOptions()
		opts.Store, opts.Logger = store, slog.New(slog.NewTextHandler(stderr, nil))
		srv, err := server.New(opts)
		if err != nil {
			return err
		}
		addr, err := srv.Listen()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wangge: serving %s (store %s)\n", server.URL(addr), redactDSN(cfg.DB))
		return srv.Serve(ctx)
	})
}

// serveConfig is the configuration of wangge serve: the file of --config
// (the defaults without one), the environment over it, the flags over
// both, validated. It also says where the configuration came from, for
// the operator.
func serveConfig(o serveOptions, getenv func(string) string) (config.Config, string, error) {
	cfg, said := config.Default(), "config: none, defaults"
	if o.config != "" {
		var err error
		if cfg, err = config.Load(o.config); err != nil {
			return cfg, "", err
		}
		said = "config " + o.config
	}
	applied, err := cfg.ApplyEnv(getenv)
	if err != nil {
		return cfg, "", err
	}
	if len(applied) > 0 {
		said += ", with " + strings.Join(applied, ", ")
	}
	if o.addr != "" {
		cfg.Addr = o.addr
	}
	if o.db != "" {
		cfg.DB = o.db
	}
	if err := cfg.Validate(); err != nil {
		return cfg, "", err
	}
	return cfg, said + "; zone " + cfg.Zone.String(), nil
}

// storeExists refuses a GeoPackage path that names no file unless create:
// a typo would otherwise serve a new empty store that reports healthy.
func storeExists(db string, create bool) error {
	if create || strings.Contains(db, "://") {
		return nil
	}
	if _, err := os.Stat(db); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s does not exist; check the path, or pass --create to make a new empty store there", errNoStore, db)
	}
	return nil
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
	fs.StringVar(p, "db", envOr(envDB, config.DefaultDB),
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
