package cli

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"wangge/data/pgtest"
)

// writeWorkerCSV writes n fixes of worker w, one every step from start,
// walking east at 1 m/s from (lon, lat); every tenth fix is written twice
// (a duplicate that cleaning drops).
func writeWorkerCSV(t *testing.T, dir, w string, start time.Time, step time.Duration, n int, lon, lat float64) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("worker,time,lat,lon\n")
	metre := 1 / (111_320 * math.Cos(lat*math.Pi/180))
	for i := range n {
		x := lon + float64(i)*step.Seconds()*metre
		line := fmt.Sprintf("%s,%s,%.7f,%.7f\n", w, start.Add(time.Duration(i)*step).Format(time.RFC3339), lat, x)
		b.WriteString(line)
		if i%10 == 0 {
			b.WriteString(line)
		}
	}
	path := filepath.Join(dir, w+".csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var totalLine = regexp.MustCompile(`total: (\d+) read, (\d+) kept, (\d+) new`)

// TestImportTracksConcurrentPostGIS runs 8 `wangge import tracks` at once
// into one fresh PostGIS database, each a worker whose fixes span four
// months (so every import creates the schema and month partitions at the
// same time): none fails (no deadlock, no duplicate-object error), and
// the stored fixes are the sum of the kept ones.
func TestImportTracksConcurrentPostGIS(t *testing.T) {
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	start := time.Date(2025, 9, 20, 0, 0, 0, 0, time.UTC)
	const imports = 8
	var wg sync.WaitGroup
	outs, errs := make([]string, imports), make([]error, imports)
	files := make([]string, imports)
	for i := range imports {
		files[i] = writeWorkerCSV(t, dir, fmt.Sprintf("w%d", i), start, 6*time.Hour, 480, 7.42+0.001*float64(i), 43.73)
	}
	for i := range imports {
		wg.Go(func() {
			outs[i], _, errs[i] = runCLI(t, "import", "tracks", files[i], "--csv-worker", "worker", "--register", "--db", dsn)
		})
	}
	wg.Wait()
	kept := 0
	for i := range imports {
		if errs[i] != nil {
			t.Fatalf("import %d: %v", i, errs[i])
		}
		m := totalLine.FindStringSubmatch(outs[i])
		if m == nil {
			t.Fatalf("import %d printed no total:\n%s", i, outs[i])
		}
		read, _ := strconv.Atoi(m[1])
		k, _ := strconv.Atoi(m[2])
		if read != 480+48 || k != 480 || m[3] != m[2] {
			t.Errorf("import %d: %s; want 528 read, 480 kept, all new", i, m[0])
		}
		kept += k
	}
	if got := storedFixes(t, dsn, ""); got != kept {
		t.Fatalf("stored %d fixes, the imports kept %d", got, kept)
	}
	t.Logf("%d concurrent imports: %d fixes stored = %d kept", imports, storedFixes(t, dsn, ""), kept)
}

// TestImportTracksCleansAcrossFiles: a worker's day split over two files
// with a 1.1 km jump 10 s across the boundary is cleaned as one track, so
// the jump is dropped (cleaning each file alone keeps it, as the first
// fix of its file).
func TestImportTracksCleansAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)
	lines := func(from, to int, jump bool) string {
		var b strings.Builder
		b.WriteString("worker,time,lat,lon\n")
		for i := from; i < to; i++ {
			lon := 7.42 + float64(i)*0.0001 // ~8 m per 10 s
			if jump && i == from {
				lon += 0.0137 // ~1.1 km
			}
			fmt.Fprintf(&b, "w1,%s,43.73,%.7f\n", at.Add(time.Duration(i)*10*time.Second).Format(time.RFC3339), lon)
		}
		return b.String()
	}
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	for f, text := range map[string]string{a: lines(0, 30, false), b: lines(30, 60, true)} {
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range trackStores {
		t.Run(st.name, func(t *testing.T) {
			dsn := st.dsn(t)
			rep, err := importFiles(t, dsn, parsedTracks(t, []string{a, b, "--csv-worker", "worker", "--register", "--db", dsn}))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Clean.Input != 60 || rep.Clean.Kept != 59 || rep.Clean.Jump+rep.Clean.Speed != 1 || rep.New != 59 {
				t.Fatalf("clean %+v, new %d; want the one jump of 60 fixes dropped", rep.Clean, rep.New)
			}
			if got := storedFixes(t, dsn, "w1"); got != 59 {
				t.Fatalf("stored %d, want 59", got)
			}
		})
	}
}
