package cli

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
)

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
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		_, err := fmt.Fprintln(stdout, "wangge (no build information)")
		return err
	}
	_, err := fmt.Fprintln(stdout, versionLine(bi))
	return err
}

// versionLine is the module version and the VCS revision, time and
// whether the tree was modified, as `go build` recorded them (a build
// outside a checkout, or `go run`, records no revision), and the Go
// version.
func versionLine(bi *debug.BuildInfo) string {
	s := map[string]string{}
	for _, kv := range bi.Settings {
		s[kv.Key] = kv.Value
	}
	line := "wangge " + bi.Main.Version
	if rev := s["vcs.revision"]; rev != "" {
		line += " " + s["vcs"] + " " + rev
		if t := s["vcs.time"]; t != "" {
			line += " " + t
		}
		if s["vcs.modified"] == "true" {
			line += " (modified)"
		}
	} else {
		line += " (no VCS revision recorded)"
	}
	return line + " " + bi.GoVersion
}
