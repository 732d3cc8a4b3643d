package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"wangge/internal/bench"
)

// benchPGEnv names the environment variable that may hold the PostGIS
// server of `wangge bench` when --pg is not given.
const benchPGEnv = "WANGGE_BENCH_PG"

// runBench is `wangge bench`: the benchmark suite, its table, ratios and
// targets (package bench).
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o bench.Options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.Quick, "quick", false, "small sizes, about a minute; targets are not judged")
	fs.StringVar(&o.Only, "only", "", "run only the cases whose name starts with this")
	fs.StringVar(&o.PG, "pg", os.Getenv(benchPGEnv), "PostGIS server (postgres:// URL) for the PostGIS rows; default $"+benchPGEnv)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wangge bench [--quick] [--only PREFIX] [--pg postgres://…]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return helpIsNoError(err)
	}
	return bench.Run(ctx, o, stdout)
}
