package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wangge/internal/config"
)

// exampleConfig is the example configuration at the root of the repository.
const exampleConfig = "../../wangge.example.toml"

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// The configuration of wangge serve: defaults, then the file, then the
// environment, then the flags; what it says names the file and the
// variables used.
func TestServeConfig(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("[limits]\nwrite_timeout = \"soon\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		addr, db string
		zone     string
		said     string
		wantErr  error
	}{
		{"defaults", nil, nil, ":8080", "wangge.gpkg", "Asia/Shanghai", "config: none, defaults; zone Asia/Shanghai", nil},
		{"the file", []string{"--config", exampleConfig}, nil, "127.0.0.1:8080", "wangge.gpkg", "Asia/Shanghai",
			"config " + exampleConfig + "; zone Asia/Shanghai", nil},
		{"the environment over the file", []string{"--config", exampleConfig},
			map[string]string{"WANGGE_DB": "env.gpkg", "WANGGE_ZONE": "UTC"}, "127.0.0.1:8080", "env.gpkg", "UTC",
			"config " + exampleConfig + ", with WANGGE_DB, WANGGE_ZONE; zone UTC", nil},
		{"flags over both", []string{"--config", exampleConfig, "--addr", ":9999", "--db", "flag.gpkg"},
			map[string]string{"WANGGE_ADDR": ":7777", "WANGGE_DB": "env.gpkg"}, ":9999", "flag.gpkg", "Asia/Shanghai",
			"config " + exampleConfig + ", with WANGGE_ADDR, WANGGE_DB; zone Asia/Shanghai", nil},
		{"no file there", []string{"--config", "none.toml"}, nil, "", "", "", "", os.ErrNotExist},
		{"a bad file", []string{"--config", bad}, nil, "", "", "", "", config.ErrValue},
		{"a bad variable", nil, map[string]string{"WANGGE_ZONE": "Peking"}, "", "", "", "", config.ErrValue},
		{"a bad flag value", []string{"--addr", "8080"}, nil, "", "", "", "", config.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseServe(tt.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			cfg, said, err := serveConfig(o, func(name string) string { return tt.env[name] })
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("serveConfig = %v, want one line wrapping %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Addr != tt.addr || cfg.DB != tt.db || cfg.Zone.String() != tt.zone || said != tt.said {
				t.Fatalf("addr %q, db %q, zone %s, said %q", cfg.Addr, cfg.DB, cfg.Zone, said)
			}
		})
	}
}

// A bad configuration file stops wangge serve with one line naming the
// file, the line and the key.
func TestServeBadConfig(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "wangge.toml")
	if err := os.WriteFile(bad, []byte("zone = \"Asia/Shanghai\"\n[limits]\nbody_byte = 10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCLI(t, "serve", "--config", bad)
	if want := "config: " + bad + ":3:1: limits.body_byte: unknown key"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("serve = %v, want it to start %q", err, want)
	}
}
