package cli

import (
	"bytes"
	"context"
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionLine checks that wangge version says the module version and
// the VCS revision from the build information.
func TestVersionLine(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "wangge", Version: "v0.3.1"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "d1fe066abc"},
			{Key: "vcs.time", Value: "2026-11-30T20:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	if got, want := versionLine(bi), "wangge v0.3.1 git d1fe066abc 2026-11-30T20:00:00Z (modified) go1.26.0"; got != want {
		t.Errorf("versionLine = %q, want %q", got, want)
	}
	bi.Settings, bi.Main.Version = nil, "(devel)"
	if got, want := versionLine(bi), "wangge (devel) (no VCS revision recorded) go1.26.0"; got != want {
		t.Errorf("versionLine = %q, want %q", got, want)
	}
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"version"}, &out, &out); err != nil || !strings.HasPrefix(out.String(), "wangge ") {
		t.Errorf("wangge version: %q, %v", out.String(), err)
	}
}
