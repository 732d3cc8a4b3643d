package bench

import (
	"context"
	"errors"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"wangge/data/pgtest"
	"wangge/internal/headless"
)

// benchRowOut is one row of the table as printed.
type benchRowOut struct {
	items   float64
	skipped bool
	figures []float64 // wall s, CPU s, peak RSS MB, alloc MB, items/s (wall), items/s (CPU)
	note    string
}

// parseBenchTable reads the table and the targets section of `wangge
// bench` output, failing on any row whose figures do not parse.
func parseBenchTable(t *testing.T, out string) (rows map[string]benchRowOut, targets map[string]string) {
	t.Helper()
	rows, targets = map[string]benchRowOut{}, map[string]string{}
	lines := strings.Split(out, "\n")
	section := ""
	for _, line := range lines {
		f := strings.Fields(line)
		switch {
		case len(f) > 0 && f[0] == "benchmark":
			section = "table"
		case strings.HasPrefix(line, "targets (DESIGN.md)"):
			section = "targets"
		case len(f) == 0 || strings.HasPrefix(line, "ratios:"):
			if section == "table" {
				section = ""
			}
		case section == "table":
			if len(f) < 9 {
				t.Fatalf("short row %q", line)
			}
			items, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				t.Fatalf("row %q: items: %v", line, err)
			}
			r := benchRowOut{items: items, skipped: f[3] == "-", note: strings.Join(f[9:], " ")}
			for _, s := range f[3:9] {
				if r.skipped {
					if s != "-" {
						t.Fatalf("skipped row %q has figure %q", line, s)
					}
					continue
				}
				v, err := strconv.ParseFloat(s, 64)
				if err != nil || v < 0 {
					t.Fatalf("row %q: figure %q does not parse as a count: %v", line, s, err)
				}
				r.figures = append(r.figures, v)
			}
			rows[f[0]] = r
		case section == "targets":
			parts := strings.Split(strings.TrimSpace(line), "  ")
			targets[parts[0]] = strings.TrimSpace(parts[len(parts)-1])
		}
	}
	return rows, targets
}

// within reports whether got is within rel of want.
func within(got, want, rel float64) bool { return math.Abs(got-want) <= rel*math.Abs(want) }

// TestBenchQuickLookup runs the lookup rows of a quick bench, without and
// with PostGIS, and checks the table against its own columns: items per
// second are items over seconds, the targets section quotes the table's
// figures and, the run being quick, judges nothing.
func TestBenchQuickLookup(t *testing.T) {
	for _, tc := range []struct {
		name string
		pg   string
	}{
		{"no postgis", ""},
		{"postgis", os.Getenv(pgtest.EnvVar)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "postgis" && tc.pg == "" {
				t.Skipf("PostGIS rows skipped: %s is not set", pgtest.EnvVar)
			}
			var b strings.Builder
			err := Run(context.Background(), Options{Quick: true, Only: "lookup", PG: tc.pg}, &b)
			out := b.String()
			if err != nil {
				t.Fatalf("bench: %v\n%s", err, out)
			}
			rows, targets := parseBenchTable(t, out)
			if len(rows) != 2 {
				t.Fatalf("%d rows, want the two lookup rows:\n%s", len(rows), out)
			}
			goRow, pgRow := rows["lookup/10k-grids"], rows["lookup/10k-grids-postgis"]
			if goRow.skipped || goRow.items != 2e6 {
				t.Fatalf("lookup/10k-grids: %+v, want 2,000,000 points measured", goRow)
			}
			if pgRow.skipped != (tc.pg == "") {
				t.Fatalf("lookup/10k-grids-postgis skipped %v with pg %q", pgRow.skipped, tc.pg)
			}
			for name, r := range rows {
				if r.skipped {
					if r.note != "skipped: no --pg" {
						t.Errorf("%s: note %q", name, r.note)
					}
					continue
				}
				wall, cpu, perWall, perCPU := r.figures[0], r.figures[1], r.figures[4], r.figures[5]
				if wall <= 0 || !within(perWall, r.items/wall, 0.02) || (cpu >= 0.05 && !within(perCPU, r.items/cpu, 0.02)) {
					t.Errorf("%s: %v items in %v s wall, %v s CPU, but %v and %v items/s", name, r.items, wall, cpu, perWall, perCPU)
				}
			}
			if len(targets) != 11 { // DESIGN.md's but the phones' (bench load measures them), the assessment sheets' and the map page's
				t.Fatalf("%d targets, want the 9 of DESIGN.md, the assessment sheets' and the map page's:\n%s", len(targets), out)
			}
			for work, status := range targets {
				if status != "not judged: quick sizes" && !strings.HasPrefix(status, "not measured: ") {
					t.Errorf("target %q: %q in a quick run", work, status)
				}
			}
			lookup := "point → grid lookup, 10k grids"
			want := strconv.FormatFloat(goRow.figures[5]/1e6, 'f', 2, 64) + " M/s"
			if !strings.Contains(out, want) || targets[lookup] != "not judged: quick sizes" {
				t.Errorf("lookup target does not quote %q from the table:\n%s", want, out)
			}
			vsPG := targets["lookup against PostGIS ST_Contains join"]
			if pgRow.skipped {
				if vsPG != "not measured: skipped: no --pg" {
					t.Errorf("PostGIS ratio without --pg: %q", vsPG)
				}
				return
			}
			if !strings.Contains(pgRow.note, "same as geo.Index") {
				t.Errorf("PostGIS and geo.Index disagree: %s", pgRow.note)
			}
			// Per CPU second when the server's CPU was read (the note says
			// how much of the row's CPU it is), else per wall second.
			ratio := goRow.figures[5] / pgRow.figures[5]
			if !strings.Contains(pgRow.note, "of PostGIS") {
				ratio = goRow.figures[4] / pgRow.figures[4]
			}
			i := strings.Index(out, "lookup Go / PostGIS ST_Contains: ×")
			if i < 0 {
				t.Fatalf("no ratio line:\n%s", out)
			}
			got, err := strconv.ParseFloat(strings.Fields(out[i+len("lookup Go / PostGIS ST_Contains: ×"):])[0], 64)
			if err != nil || !within(got, ratio, 0.03) {
				t.Errorf("ratio ×%v (%v), the table's columns give ×%.1f", got, err, ratio)
			}
		})
	}
}

// TestBenchMapPage runs the map page row: three loads of the demo's first
// view in headless chromium, each well under the ReadyTimeout, with the
// bundle's size in the note and the mean per load in the targets.
func TestBenchMapPage(t *testing.T) {
	if _, err := headless.Path(); err != nil {
		t.Skip(err)
	}
	var b strings.Builder
	if err := Run(context.Background(), Options{Only: "mappage"}, &b); err != nil {
		t.Fatalf("bench: %v\n%s", err, b.String())
	}
	out := b.String()
	rows, targets := parseBenchTable(t, out)
	r, ok := rows["mappage/first-view"]
	if !ok || r.skipped || r.items != pageLoads || !strings.Contains(r.note, "kB JS+CSS") {
		t.Fatalf("row %+v:\n%s", r, out)
	}
	perLoad := r.figures[0] / pageLoads
	want := strconv.FormatFloat(perLoad, 'f', 2, 64) + " s wall per load"
	status := targets["map page, first view of the demo, headless chromium"]
	if perLoad <= 0 || perLoad > headless.ReadyTimeout.Seconds() || !strings.Contains(out, want) || (status != "met") != (perLoad > 2) {
		t.Errorf("%.2f s per load, target %q, want it quoting %q:\n%s", perLoad, status, want, out)
	}
}

// TestBenchBadPG checks that a --pg that is not a postgres:// URL is
// refused before anything is measured.
func TestBenchBadPG(t *testing.T) {
	err := Run(context.Background(), Options{Quick: true, Only: "lookup/10k-grids-postgis", PG: "mysql://localhost/x"}, io.Discard)
	if !errors.Is(err, ErrPG) {
		t.Fatalf("err %v, want ErrPG", err)
	}
}

// TestBenchTargetStatus checks the judging of targets at and around their
// bounds.
func TestBenchTargetStatus(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target benchTarget
		quick  bool
		want   string
	}{
		{"at least, met on the bound", benchTarget{value: 20, want: 20}, false, "met"},
		{"at least, short", benchTarget{value: 19.9, want: 20}, false, "NOT MET"},
		{"at most, met on the bound", benchTarget{value: 1, want: 1, atMost: true}, false, "met"},
		{"at most, over", benchTarget{value: 1.01, want: 1, atMost: true}, false, "NOT MET"},
		{"over on wall, within on CPU", benchTarget{value: 4, cpuValue: 0.9, hasCPU: true, want: 1, atMost: true}, false,
			"NOT MET on wall time; met on CPU time"},
		{"short on wall and on CPU", benchTarget{value: 77e3, cpuValue: 145e3, hasCPU: true, want: 200e3}, false, "NOT MET"},
		{"quick", benchTarget{value: 30, want: 20}, true, "not judged: quick sizes"},
		{"missing", benchTarget{missing: "skipped: no --pg"}, false, "not measured: skipped: no --pg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.target.status(tc.quick); got != tc.want {
				t.Errorf("status %q, want %q", got, tc.want)
			}
		})
	}
}

// TestBenchGrowthTarget checks the n log n judgement on hand figures:
// n log n grows ×(10^4·ln 10^4)/(10^3·ln 10^3) = ×13.33 from 1k to 10k and
// ×12.5 from 10k to 100k.
func TestBenchGrowthTarget(t *testing.T) {
	row := func(name string, n int, cpu float64) benchResult {
		return benchResult{benchCase: benchCase{name: name, items: n}, cpu: time.Duration(cpu * float64(time.Second))}
	}
	results := []benchResult{row("partition/1k", 1000, 1), row("partition/10k", 10000, 10), row("partition/100k", 100000, 250)}
	g := growthTarget(results)
	if want := 25 / 12.5; !within(g.value, want, 1e-9) || g.status(false) != "NOT MET" {
		t.Errorf("worst step %.3f (%s), want %.3f, not met", g.value, g.status(false), want)
	}
	results[2].cpu = 120 * time.Second
	if g := growthTarget(results); !within(g.value, 12.0/12.5, 1e-9) || g.status(false) != "met" {
		t.Errorf("worst step %.3f (%s), want 0.96, met", g.value, g.status(false))
	}
	if g := growthTarget(results[:2]); g.missing == "" {
		t.Errorf("two rows judged: %+v", g)
	}
}
