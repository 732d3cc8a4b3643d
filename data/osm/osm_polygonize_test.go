package osm

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"wangge/data/pgtest"
	"wangge/geo"
)

// monacoPath is the Monaco extract, relative to this package (shared/
// sits beside the repository).
var monacoPath = filepath.Join("..", "..", "..", "shared", "data", "osm", "monaco-latest.osm.pbf")

// readMonaco reads the Monaco extract, skipping the test when it is
// missing.
func readMonaco(tb testing.TB) *osmData {
	tb.Helper()
	f, err := os.Open(monacoPath)
	if os.IsNotExist(err) {
		tb.Skipf("test data %s is missing", monacoPath)
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	d, err := readOSM(context.Background(), f, monacoPath)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// TestPolygonizeMatchesPostGIS polygonises Monaco's streets with
// geo.Polygonize and with PostGIS's
// ST_Polygonize(ST_Node(ST_Collect(…))) on the very same lines, and
// compares the number of faces and their total geodesic area. Both drop
// dangles and cut edges and both give a face nested in another as a hole
// of it plus a face of its own, so the counts must agree exactly.
func TestPolygonizeMatchesPostGIS(t *testing.T) {
	d := readMonaco(t)
	conn := pgtest.Conn(t)
	res := &Result{}
	streets := res.collectRoads(d, toSet(DefaultCuttingHighways))
	withOutline, _ := res.cutLines(d, streets)
	tests := []struct {
		name  string
		lines []orb.LineString
	}{
		{"streets", streets},
		{"streets, coastline and outline", withOutline},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			faces, _ := geo.Polygonize(tt.lines)
			var area float64
			for i, f := range faces {
				if err := geo.Validate(f); err != nil {
					t.Errorf("face %d: %v", i, err)
				}
				area += geo.Area(f)
			}
			texts := make([]string, len(tt.lines))
			for i, l := range tt.lines {
				texts[i] = wkt.MarshalString(l)
			}
			var n int
			var want float64
			err := conn.QueryRow(ctx, `
				WITH l AS (SELECT ST_GeomFromText(w, 4326) AS g FROM unnest($1::text[]) AS w),
				f AS (SELECT (ST_Dump(ST_Polygonize(n))).geom AS g
				      FROM (SELECT ST_Node(ST_Collect(g)) AS n FROM l) AS noded)
				SELECT count(*), coalesce(sum(ST_Area(g::geography)), 0) FROM f`, texts).Scan(&n, &want)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d lines: %d faces, %.0f m² (PostGIS: %d faces, %.0f m²)", len(tt.lines), len(faces), area, n, want)
			if len(faces) != n {
				t.Errorf("%d faces, PostGIS has %d", len(faces), n)
			}
			if n == 0 || math.Abs(area-want) > 0.005*want {
				t.Errorf("faces cover %.0f m², PostGIS %.0f m² (more than 0.5%% apart)", area, want)
			}
		})
	}
}

// toSet makes a set of strings.
func toSet(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// BenchmarkPolygonizeMonaco polygonises the lines Monaco's blocks are cut
// from (streets, coastline, institutions and outline).
func BenchmarkPolygonizeMonaco(b *testing.B) {
	d := readMonaco(b)
	res := &Result{}
	lines, _ := res.cutLines(d, res.collectRoads(d, toSet(DefaultCuttingHighways)))
	segments := 0
	for _, l := range lines {
		segments += len(l) - 1
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		geo.Polygonize(lines)
	}
	b.ReportMetric(float64(segments)*float64(b.N)/b.Elapsed().Seconds(), "segments/s")
}
