package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodes builds the command and checks what main makes of each
// outcome of cli.Run: 0 for success, 2 for a command line it cannot
// understand, 1 with "wangge: " and the error on stderr for a failure.
func TestExitCodes(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "wangge")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"help", []string{"help"}, 0, "usage: wangge COMMAND"},
		{"no command", nil, 2, "usage: wangge COMMAND"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"failure", []string{"partition", "--blocks", filepath.Join(t.TempDir(), "none.geojson"), "--weight", "households",
			"--count", "2", "--tolerance", "0.1", "--out", filepath.Join(t.TempDir(), "g.geojson")}, 1, "wangge: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin, c.args...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code || !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr.String(), c.code, c.stderr)
			}
		})
	}
}
