package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"wangge/internal/bench"
)

// parseBenchLoad parses `wangge bench load`.
func parseBenchLoad(args []string, stderr io.Writer) (bench.LoadOptions, error) {
	var o bench.LoadOptions
	fs := newFlags("bench load", stderr, "usage: wangge bench load [--phones 1000] [--every 5s] [--for 2m] [--kill-at 1m] [--db FILE|postgres://…]")
	fs.IntVar(&o.Phones, "phones", 1000, "simulated phones, each a worker with a random device id and its secret")
	fs.DurationVar(&o.Every, "every", 5*time.Second, "one fix per phone this often")
	fs.DurationVar(&o.For, "for", 2*time.Minute, "how long the phones send")
	fs.DurationVar(&o.KillAt, "kill-at", 0, "kill -9 the server this far into the run and start it again (0: never)")
	fs.StringVar(&o.DB, "db", "", "store to serve (a GeoPackage file or postgres:// URL); a new temporary GeoPackage when empty")
	return o, parseFlags(fs, args)
}

// runBenchLoad is `wangge bench load`: the load proof (bench.Load). It
// fails when an acknowledged fix was lost or a fix stored twice.
func runBenchLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseBenchLoad(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	rep, err := bench.Load(ctx, o, stdout)
	if err != nil {
		return err
	}
	if rep.Lost > 0 || rep.Duplicated > 0 {
		return fmt.Errorf("%w: %d acknowledged fixes lost, %d duplicated", bench.ErrCheck, rep.Lost, rep.Duplicated)
	}
	return nil
}
