// Command wangge is the spatial engine of community grid governance: it
// draws grids from complete blocks, indexes patrol tracks and incidents,
// and serves them over a GeoJSON API. `wangge help` lists the commands,
// which live in package wangge/internal/cli.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"wangge/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, cli.ErrUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "wangge:", err)
		os.Exit(1)
	}
}
