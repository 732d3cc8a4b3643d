package osm

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb/encoding/wkt"

	"wangge/data"
	"wangge/data/gpkg"
	"wangge/data/pgtest"
	"wangge/internal/plantest"
	"wangge/partition"
)

// importMonacoWith imports the Monaco extract with merge threshold
// minM2, moved dx degrees east (0: where it is; 1: another city).
func importMonacoWith(t *testing.T, minM2, dx float64) *Result {
	t.Helper()
	readMonaco(t)
	f, err := os.Open(monacoPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Import(context.Background(), f, Options{File: monacoPath, MinBlockM2: minM2})
	if err != nil {
		t.Fatal(err)
	}
	if dx != 0 {
		for i := range res.Blocks {
			res.Blocks[i].ID += "-east"
			for _, p := range res.Blocks[i].Geometry {
				for _, r := range p {
					for k := range r {
						r[k][0] += dx
					}
				}
			}
		}
		res.Buildings, res.Roads = nil, nil
	}
	return res
}

// TestReimportMonaco imports Monaco, again with the same options (the
// same ids: nothing added or removed), again with --min-block-m2 5000
// (exactly the second import's blocks stay, no two overlapping, PostGIS
// the referee), then a second city (Monaco moved 1° east): both sets
// stay. A plan drawn after each import passes the PostGIS cover checks.
func TestReimportMonaco(t *testing.T) {
	ctx := context.Background()
	s, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "w.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conn := pgtest.Conn(t)
	stored := func() []partition.Block {
		bs, err := s.Blocks(ctx, data.BlockQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return bs
	}
	check := func(name string, want []partition.Block) {
		t.Helper()
		got := stored()
		ids := func(bs []partition.Block) []partition.BlockID {
			out := make([]partition.BlockID, len(bs))
			for i, b := range bs {
				out[i] = b.ID
			}
			slices.Sort(out)
			return out
		}
		if !slices.Equal(ids(got), ids(want)) {
			t.Fatalf("%s: the store holds %d blocks, want the %d imported", name, len(got), len(want))
		}
		var w []string
		for _, b := range got {
			w = append(w, wkt.MarshalString(b.Geometry))
		}
		var pairs int
		err := conn.QueryRow(ctx, `WITH b AS (SELECT i, ST_GeomFromText(w, 4326) AS g FROM unnest($1::text[]) WITH ORDINALITY AS t(w, i))
			SELECT count(*) FROM b x JOIN b y ON x.i < y.i AND x.g && y.g AND ST_Area(ST_Intersection(x.g, y.g)::geography) >= 1`, w).Scan(&pairs)
		if err != nil {
			t.Fatal(err)
		}
		if pairs != 0 {
			t.Errorf("%s: PostGIS finds %d overlapping pairs of stored blocks", name, pairs)
		}
		res, err := partition.Draw(ctx, got, partition.Options{Weight: "households", Count: 4, Tolerance: 0.3, Gap: 30})
		if err != nil {
			t.Fatal(err)
		}
		plantest.CheckCover(t, got, res.Grids)
	}
	first := importMonacoWith(t, 500, 0)
	if _, err := Save(ctx, s, first, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	check("first import", first.Blocks)
	ch, err := Save(ctx, s, importMonacoWith(t, 500, 0), SaveOptions{})
	if err != nil || len(ch.Added)+len(ch.Removed)+len(ch.Changed) != 0 {
		t.Fatalf("the same import again: %+v, %v", ch, err)
	}
	second := importMonacoWith(t, 5000, 0)
	ch, err = Save(ctx, s, second, SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("--min-block-m2 500 → 5000: %d blocks → %d: %d added, %d removed, %d changed", len(first.Blocks), len(second.Blocks), len(ch.Added), len(ch.Removed), len(ch.Changed))
	if len(ch.Removed) == 0 || len(ch.Added) == 0 {
		t.Errorf("a coarser import added %d and removed %d blocks", len(ch.Added), len(ch.Removed))
	}
	check("second import", second.Blocks)
	east := importMonacoWith(t, 500, 1)
	if _, err := Save(ctx, s, east, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	check("second city", slices.Concat(second.Blocks, east.Blocks))
}
