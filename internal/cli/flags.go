package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// Every command parses its command line the same way: parseX(args, stderr)
// builds a flag set with newFlags, registers the flags into the command's
// options struct, parses (parseFlags, or parsePositional where the command
// takes files), validates, and returns the options; runX calls parseX,
// turns --help into success (helpIsNoError) and makes one call with the
// options. A command line it cannot understand is said on stderr, followed
// by the usage, and returned as an error wrapping ErrUsage (badUsage).

// newFlags is the flag set of `wangge NAME`: its errors and usage go to
// stderr, and its usage is the given lines followed by the flags.
func newFlags(name string, stderr io.Writer, usage ...string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		for _, line := range usage {
			fmt.Fprintln(stderr, line)
		}
		fs.PrintDefaults()
	}
	return fs
}

// badUsage says on the flag set's output what is wrong with the command
// line, prints the usage and returns an error wrapping ErrUsage.
func badUsage(fs *flag.FlagSet, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(fs.Output(), "wangge %s: %s\n", fs.Name(), msg)
	fs.Usage()
	return fmt.Errorf("%w: wangge %s: %s", ErrUsage, fs.Name(), msg)
}

// usageErr keeps --help apart from any other flag problem, which package
// flag has already said, with the usage.
func usageErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrUsage, err)
}

// parsePositional parses flags that may stand anywhere among the
// positional arguments (parseInterspersed) and wants exactly n of those;
// what names them in the complaint: "want one FILE.geojson, got 2".
func parsePositional(fs *flag.FlagSet, args []string, n int, what string) ([]string, error) {
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, usageErr(err)
	}
	if len(rest) != n {
		return nil, badUsage(fs, "want %s, got %d", what, len(rest))
	}
	return rest, nil
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments (`import blocks F.geojson --db x.gpkg`), which
// package flag alone stops at, and returns the positional ones. "--" ends
// the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		consumed := len(args) - fs.NArg()
		if consumed > 0 && args[consumed-1] == "--" {
			return append(positional, fs.Args()...), nil
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}
