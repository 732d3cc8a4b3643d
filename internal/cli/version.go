package cli

import (
	"context"
	"fmt"
	"io"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// versionOptions is the parsed command line of `wangge version`: it takes
// no flags.
type versionOptions struct{}

func parseVersion(args []string, stderr io.Writer) (versionOptions, error) {
	fs := newFlags("version", stderr, "usage: wangge version")
	return versionOptions{}, parseFlags(fs, args)
}

// runVersion is `wangge version`.
func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseVersion(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return printVersion(o, stdout)
}

func printVersion(_ versionOptions, stdout io.Writer) error {
	_, err := fmt.Fprintln(stdout, "wangge", version)
	return err
}
