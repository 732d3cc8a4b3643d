package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"wangge/coverage/patrol"
	"wangge/coverage/track"

	"github.com/paulmach/orb/geojson"
)

// trajectoryCSV writes the fixes of worker w1 near Tiananmen, one every
// 10 s, 0.0001° of latitude (about 11 m) a step north when walking: from
// 23:30 Shanghai time, 30 walking fixes, 60 fixes standing still (a
// 10-minute stop), 30 walking fixes; then, after midnight, 30 walking
// fixes from 00:10. Day 2026-11-20 has 120 fixes and one stop, 2026-11-21
// has 30 and none. Both days end inside the grids nw and ne of
// patrolFiles (north of 39.9060).
func trajectoryCSV(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("worker,time,lat,lon\n")
	at := time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC)
	lat := 39.905
	fix := func(move bool) {
		if move {
			lat += 0.0001
		}
		fmt.Fprintf(&b, "w1,%s,%.7f,116.3975\n", at.Format(time.RFC3339), lat)
		at = at.Add(10 * time.Second)
	}
	for _, run := range []struct {
		n    int
		move bool
	}{{30, true}, {60, false}, {30, true}} {
		for range run.n {
			fix(run.move)
		}
	}
	at = time.Date(2026, 11, 20, 16, 10, 0, 0, time.UTC)
	for range 30 {
		fix(true)
	}
	path := filepath.Join(dir, "w1.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// dayJSON is what the tests read back from the report of a day (the
// durations are seconds in JSON).
type dayJSON struct {
	Worker string `json:"worker"`
	Date   string `json:"date"`
	Report struct {
		Fixes    int     `json:"fixes"`
		Distance float64 `json:"distance_m"`
		Duration float64 `json:"duration_s"`
		Moving   float64 `json:"moving_s"`
		GapTime  float64 `json:"gap_s"`
		Inside   float64 `json:"inside_grids_s"`
		Outside  float64 `json:"outside_grids_s"`
		Trips    []any   `json:"trips"`
		Stops    []any   `json:"stops"`
		Gaps     []any   `json:"gaps"`
	} `json:"report"`
}

func TestTrajectoryCommand(t *testing.T) {
	dir := t.TempDir()
	csv := trajectoryCSV(t, dir)
	_, grids := patrolFiles(t, dir)
	tests := []struct {
		name   string
		args   []string
		dates  []string
		fixes  []int
		stops  []int
		inside bool // some time inside the grids
	}{
		{"every day", nil, []string{"2026-11-20", "2026-11-21"}, []int{120, 30}, []int{1, 0}, false},
		{"one day", []string{"--date", "2026-11-21"}, []string{"2026-11-21"}, []int{30}, []int{0}, false},
		// In UTC the 20 minutes without fixes around 16:00 are spent within
		// 50 m, so they are a stop too.
		{"days in UTC", []string{"--tz", "UTC"}, []string{"2026-11-20"}, []int{150}, []int{2}, false},
		{"longer stops only", []string{"--stop-min", "11m"}, []string{"2026-11-20", "2026-11-21"}, []int{120, 30}, []int{0, 0}, false},
		// The 20 minutes of silence end 11 m from where they began: a stop
		// of its own with --stop-silence up to 20m, none when stops must
		// last 30 minutes and silences do not count.
		{"silence is a stay", []string{"--tz", "UTC", "--stop-min", "30m", "--stop-silence", "15m"}, []string{"2026-11-20"}, []int{150}, []int{1}, false},
		{"silence too short", []string{"--tz", "UTC", "--stop-min", "30m", "--stop-silence", "21m"}, []string{"2026-11-20"}, []int{150}, []int{0}, false},
		{"silence off", []string{"--tz", "UTC", "--stop-min", "30m"}, []string{"2026-11-20"}, []int{150}, []int{0}, false},
		{"own grids", []string{"--grids", grids, "--grid", "nw,ne"}, []string{"2026-11-20", "2026-11-21"}, []int{120, 30}, []int{1, 0}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, report := filepath.Join(dir, "t.geojson"), filepath.Join(dir, "t.json")
			args := append([]string{"trajectory", "--tracks", csv, "--csv-worker", "worker", "--out", out, "--report", report}, tc.args...)
			var stdout, stderr bytes.Buffer
			if err := Run(context.Background(), args, &stdout, &stderr); err != nil {
				t.Fatalf("%v: %s", err, stderr.String())
			}
			var days []dayJSON
			readJSONFile(t, report, &days)
			if len(days) != len(tc.dates) {
				t.Fatalf("%d days, want %d: %s", len(days), len(tc.dates), stdout.String())
			}
			for i, d := range days {
				r := d.Report
				if d.Worker != "w1" || d.Date != tc.dates[i] || r.Fixes != tc.fixes[i] || len(r.Stops) != tc.stops[i] {
					t.Errorf("day %d: %s %s, %d fixes, %d stops; want w1 %s, %d fixes, %d stops",
						i, d.Worker, d.Date, r.Fixes, len(r.Stops), tc.dates[i], tc.fixes[i], tc.stops[i])
				}
				if (r.Inside > 0) != tc.inside || r.Inside+r.Outside != r.Duration-r.GapTime {
					t.Errorf("day %d: inside %v, outside %v of %v less %v of gaps; want some inside: %v", i, r.Inside, r.Outside, r.Duration, r.GapTime, tc.inside)
				}
			}
			var fc geojson.FeatureCollection
			readJSONFile(t, out, &fc)
			lines := 0
			for _, f := range fc.Features {
				if f.Properties["kind"] == "line" {
					lines++
				}
				if f.Properties["worker"] != "w1" || f.Properties["date"] == nil {
					t.Errorf("feature %v without worker and date", f.Properties)
				}
			}
			if lines != len(tc.dates) {
				t.Errorf("%d lines, want one a day (%d)", lines, len(tc.dates))
			}
		})
	}
}

// TestTrajectoryMatchesLibrary checks the command reports what
// patrol.Trajectory gives for the same cleaned fixes of the day.
func TestTrajectoryMatchesLibrary(t *testing.T) {
	dir := t.TempDir()
	csv := trajectoryCSV(t, dir)
	report := filepath.Join(dir, "t.json")
	args := []string{"trajectory", "--tracks", csv, "--csv-worker", "worker", "--date", "2026-11-20",
		"--out", filepath.Join(dir, "t.geojson"), "--report", report}
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	var days []dayJSON
	readJSONFile(t, report, &days)
	f, err := os.Open(csv)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pts, err := track.DecodeCSV(f, track.CSVMapping{Lat: "lat", Lon: "lon", Time: "time", Worker: "worker", Separator: ','}, track.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kept, _ := track.Clean(pts[:120], track.CleanOptions{})
	want := patrol.Trajectory(kept, patrol.TrajectoryOptions{})
	got := days[0].Report
	if len(days) != 1 || got.Fixes != want.Fixes || got.Distance != want.Distance || got.Moving != time.Duration(want.Moving).Seconds() ||
		len(got.Trips) != len(want.Trips) || len(got.Stops) != len(want.Stops) || len(got.Gaps) != len(want.Gaps) {
		t.Errorf("command %+v\nlibrary %+v", got, want)
	}
}

func TestTrajectoryCommandErrors(t *testing.T) {
	dir := t.TempDir()
	csv := trajectoryCSV(t, dir)
	_, grids := patrolFiles(t, dir)
	out := filepath.Join(dir, "t.geojson")
	tests := []struct {
		name  string
		args  []string
		usage bool
		say   string
	}{
		{"no out", []string{"--tracks", csv}, true, "--out is required"},
		{"no tracks", []string{"--out", out}, true, "track file"},
		{"grid without grids", []string{"--tracks", csv, "--out", out, "--grid", "nw"}, true, "--grid needs --grids"},
		{"bad date", []string{"--tracks", csv, "--out", out, "--date", "20 Nov"}, true, "--date"},
		{"bad stop radius", []string{"--tracks", csv, "--out", out, "--stop-radius", "0"}, true, "--stop-radius"},
		{"negative stop silence", []string{"--tracks", csv, "--out", out, "--stop-silence", "-1m"}, true, "--stop-silence"},
		{"unknown grid", []string{"--tracks", csv, "--csv-worker", "worker", "--out", out, "--grids", grids, "--grid", "zz"}, false, `--grid "zz"`},
		{"no worker", []string{"--tracks", csv, "--out", out}, false, "no worker"},
		{"no fixes that day", []string{"--tracks", csv, "--csv-worker", "worker", "--out", out, "--date", "2026-01-01"}, false, "2026-01-01"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := Run(context.Background(), append([]string{"trajectory"}, tc.args...), &stdout, &stderr)
			if err == nil || errors.Is(err, ErrUsage) != tc.usage {
				t.Fatalf("err %v, want usage error: %v", err, tc.usage)
			}
			if msg := stderr.String() + err.Error(); !strings.Contains(msg, tc.say) {
				t.Errorf("message %q does not say %q", msg, tc.say)
			}
		})
	}
}
