package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: wangge version") }
	if err := parseFlags(fs, args); err != nil {
		return helpIsNoError(err)
	}
	fmt.Fprintln(stdout, "wangge", version)
	return nil
}
