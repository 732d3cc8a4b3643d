// Package cli is wangge's command line: one file per command, each parsing
// its flags into an options struct and making one call into the packages
// that do the work. Run dispatches a command line.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// ErrUsage marks a command line that could not be understood; the
// command exits 2.
var ErrUsage = errors.New("usage")

// command is one subcommand: its name, a one-line summary and its body.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"demo", "build a demo workspace from the bundled OSM extract and serve it", runDemo},
		{"serve", "serve the API over a store", runServe},
		{"import", "load blocks, OSM, tracks or incidents into a store", runImport},
		{"partition", "draw basic and dedicated grids from blocks (file to file)", runPartition},
		{"coverage", "patrol coverage and gaps of grids (file to file)", runCoverage},
		{"trajectory", "trips, stops, distance and signal gaps of each worker and day (file to file)", runTrajectory},
		{"report", "a worker's work log, the monthly assessment (考核表) and the workload of grids, from a store", runReport},
		{"simulate", "synthetic patrol days on a road network, as GPX or GeoJSON", runSimulate},
		{"bench", "run the benchmark suite and print a table", runBench},
		{"token", "create, list or revoke API tokens", runToken},
		{"version", "print the version", runVersion},
	}
}

// Run dispatches args to a subcommand. Usage problems are reported on
// stderr here and returned as ErrUsage.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, commands(), usage, "wangge: unknown command")
}

func usage(w io.Writer) {
	listCommands(w, "usage: wangge COMMAND [flags]   (wangge COMMAND --help for its flags)", "commands", commands())
}

// dispatch runs the command of cmds that args[0] names with the rest of
// args. No argument prints usage and is a usage error; help, -h or --help
// print it and are not. An unknown name is said on stderr after unknown,
// then usage, and is a usage error.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, cmds []command, usage func(io.Writer), unknown string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return ErrUsage
		}
		return nil
	}
	if c, ok := findCommand(cmds, args); ok {
		return c.run(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "%s %q\n\n", unknown, args[0])
	usage(stderr)
	return ErrUsage
}

// findCommand finds the command of cmds that args[0] names.
func findCommand(cmds []command, args []string) (command, bool) {
	if len(args) > 0 {
		for _, c := range cmds {
			if c.name == args[0] {
				return c, true
			}
		}
	}
	return command{}, false
}

// listCommands prints the usage line, then each of cmds with its summary
// under heading.
func listCommands(w io.Writer, line, heading string, cmds []command) {
	fmt.Fprintln(w, line)
	fmt.Fprintf(w, "\n%s:\n", heading)
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}
