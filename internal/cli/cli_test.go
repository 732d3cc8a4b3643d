package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
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

// commandLines are the names of every command and subcommand, as they
// start a command line.
func commandLines() [][]string {
	subcommands := map[string][]command{"import": importKinds(), "partition": planCommands(), "token": tokenCommands()}
	var lines [][]string
	for _, c := range commands() {
		lines = append(lines, []string{c.name})
		for _, sub := range subcommands[c.name] {
			lines = append(lines, []string{c.name, sub.name})
		}
	}
	return lines
}

// Every command and subcommand answers --help with its usage and no
// error, and an unknown flag with its usage and ErrUsage; the usage lists
// every command.
func TestEveryCommandHasHelp(t *testing.T) {
	var list bytes.Buffer
	usage(&list)
	for _, c := range commands() {
		if !strings.Contains(list.String(), "  "+c.name+" ") {
			t.Errorf("usage does not list %s", c.name)
		}
	}
	for _, line := range commandLines() {
		name := strings.Join(line, " ")
		tests := []struct {
			name, flag string
			wantErr    error
			stderr     []string
		}{
			{"help", "--help", nil, []string{"usage: wangge " + name}},
			{"unknown flag", "--no-such-flag", ErrUsage, []string{"no-such-flag", "usage: wangge " + line[0]}},
		}
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				err := Run(context.Background(), append(line, tt.flag), &stdout, &stderr)
				if !errors.Is(err, tt.wantErr) && !(err == nil && tt.wantErr == nil) {
					t.Fatalf("%s %s: error %v, want %v", name, tt.flag, err, tt.wantErr)
				}
				if stdout.Len() > 0 {
					t.Errorf("%s %s printed %q on stdout", name, tt.flag, stdout.String())
				}
				for _, want := range tt.stderr {
					if !strings.Contains(stderr.String(), want) {
						t.Errorf("%s %s: stderr %q lacks %q", name, tt.flag, stderr.String(), want)
					}
				}
			})
		}
	}
}

// startCLI runs a command that serves until it is stopped and reads its
// stdout up to and including the first line for which last is true; stop
// cancels the command and returns its error.
func startCLI(t *testing.T, last func(line string) bool, args ...string) (lines []string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, args, outW, io.Discard)
		outW.Close()
	}()
	sc := bufio.NewScanner(outR)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if last(sc.Text()) {
			go io.Copy(io.Discard, outR)
			return lines, func() error { cancel(); return <-done }
		}
	}
	t.Fatalf("%q ended before the line looked for: %v\n%s", args, <-done, strings.Join(lines, "\n"))
	return nil, nil
}
