package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestRunDispatch(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantErr    error
		wantStdout string
		wantStderr string
	}{
		{"no command prints usage", nil, ErrUsage, "", "usage: wangge COMMAND"},
		{"help is not an error", []string{"help"}, nil, "", "commands:"},
		{"unknown command", []string{"frobnicate"}, ErrUsage, "", `unknown command "frobnicate"`},
		{"version", []string{"version"}, nil, "wangge dev\n", ""},
		{"version takes no argument", []string{"version", "x"}, ErrUsage, "", `unexpected argument "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := Run(context.Background(), tt.args, &stdout, &stderr)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("run(%q) = %v, want %v", tt.args, err, tt.wantErr)
			}
			if stdout.String() != tt.wantStdout && !(tt.wantStdout == "" && stdout.Len() == 0) {
				t.Errorf("stdout = %q, want %q", stdout.String(), tt.wantStdout)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}

// Every command answers --help with its usage and no error, and the usage
// lists every command.
func TestEveryCommandHasHelp(t *testing.T) {
	var list bytes.Buffer
	usage(&list)
	for _, c := range commands() {
		if !strings.Contains(list.String(), "  "+c.name+" ") {
			t.Errorf("usage does not list %s", c.name)
		}
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := Run(context.Background(), []string{c.name, "--help"}, &stdout, &stderr); err != nil {
				t.Fatalf("%s --help: %v", c.name, err)
			}
			if !strings.Contains(stderr.String()+stdout.String(), "usage: wangge "+c.name) {
				t.Errorf("%s --help printed %q", c.name, stderr.String())
			}
		})
	}
}
