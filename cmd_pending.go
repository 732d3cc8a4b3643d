package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

// pending answers for a subcommand whose issue is not done yet: one line on
// stderr and exit 2, never made-up output. --help still describes it.
func pending(name, issue string) func(context.Context, []string, io.Writer, io.Writer) error {
	return func(_ context.Context, args []string, _, stderr io.Writer) error {
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		fs.SetOutput(stderr)
		fs.Usage = func() {
			fmt.Fprintf(stderr, "usage: wangge %s …\n%s is not built yet (%s).\n", name, name, issue)
		}
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil
			}
			return errUsage
		}
		fmt.Fprintf(stderr, "wangge %s: not built yet (%s)\n", name, issue)
		return errUsage
	}
}

var ()

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil
		}
		return errUsage
	}
	fmt.Fprintln(stdout, "wangge", version)
	return nil
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"
