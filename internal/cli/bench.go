package cli

import (
	"context"
	"io"
	"os"

	"wangge/internal/bench"
)

// benchPGEnv names the environment variable that may hold the PostGIS
// server of `wangge bench` when --pg is not given.
const benchPGEnv = "WANGGE_BENCH_PG"

// parseBench parses the command line of `wangge bench` into the options of
// the suite.
func parseBench(args []string, stderr io.Writer) (bench.Options, error) {
	var o bench.Options
	fs := newFlags("bench", stderr, "usage: wangge bench [--quick] [--only PREFIX] [--pg postgres://…] | wangge bench load --help")
	fs.BoolVar(&o.Quick, "quick", false, "small sizes, about a minute; targets are not judged")
	fs.StringVar(&o.Only, "only", "", "run only the cases whose name starts with this")
	fs.StringVar(&o.PG, "pg", os.Getenv(benchPGEnv), "PostGIS server (postgres:// URL) for the PostGIS rows; default $"+benchPGEnv)
	err := parseFlags(fs, args)
	return o, err
}

// runBench is `wangge bench`: the benchmark suite, its table, ratios and
// targets (package bench).
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "load" {
		return runBenchLoad(ctx, args[1:], stdout, stderr)
	}
	o, err := parseBench(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return bench.Run(ctx, o, stdout)
}
