package server_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"

	"wangge/coverage"
	"wangge/data"
	"wangge/internal/access"
	"wangge/internal/app"
	"wangge/partition"
)

// heatCells reads the coverage-heat tiles over box at zoom z with the
// token and returns the H3 cells they hold, and the Cache-Control of a
// tile with features.
func heatCells(t *testing.T, base, token string, z maptile.Zoom, tiles maptile.Set) (cells []string, cacheControl string) {
	t.Helper()
	seen := map[string]bool{}
	for tile := range tiles {
		url := fmt.Sprintf("%s/tiles/coverage-heat/%d/%d/%d.mvt", base, z, tile.X, tile.Y)
		res, body := get(t, url, "Authorization", "Bearer "+token)
		switch res.StatusCode {
		case http.StatusNoContent:
			continue
		case http.StatusOK:
		default:
			t.Fatalf("%s: %s %s", url, res.Status, body)
		}
		cacheControl = res.Header.Get("Cache-Control")
		layers, err := mvt.Unmarshal(body)
		if err != nil || len(layers) != 1 || layers[0].Name != "coverage-heat" {
			t.Fatalf("%s: layers %v, %v", url, layers, err)
		}
		for _, f := range layers[0].Features {
			h3, _ := f.Properties["h3"].(string)
			if passes, _ := f.Properties["passes"].(float64); h3 == "" || passes < 1 {
				t.Fatalf("%s: feature %v", url, f.Properties)
			}
			seen[h3] = true
		}
	}
	for c := range seen {
		cells = append(cells, c)
	}
	slices.Sort(cells)
	return cells, cacheControl
}

// TestCoverageHeatTiles reads the coverage heat tileset of the demo: none
// without a token or for a viewer; for the leader of G001, exactly the
// covered cells of G001's coverage report over the last week; for an
// admin, those and the cells of the other grids; never for shared caches.
func TestCoverageHeatTiles(t *testing.T) {
	ws := demoWorkspace(t)
	ctx := context.Background()
	leader, _, err := app.CreateToken(ctx, ws.store, data.RoleLeader, "", "G001")
	if err != nil {
		t.Fatal(err)
	}
	for _, auth := range [][]string{nil, {"Authorization", "Bearer " + ws.viewer}} {
		for _, path := range []string{"/tiles/coverage-heat.json", "/tiles/coverage-heat/12/2132/1493.mvt"} {
			if res, _ := get(t, ws.srv.URL+path, auth...); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s with %v: %s, want 404", path, auth, res.Status)
			}
		}
	}
	if res, _ := get(t, ws.srv.URL+"/tiles/coverage-heat.json", "Authorization", "Bearer "+leader); res.StatusCode != http.StatusOK {
		t.Fatalf("TileJSON of the heat for a leader: %s", res.Status)
	}

	a, err := app.New(app.Options{Store: ws.store})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	gc, err := a.GridCoverage(ctx, access.Principal{Role: data.RoleAdmin}, "G001", coverage.CoverageOptions{From: now.Add(-7 * 24 * time.Hour), To: now})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, c := range gc.Report.Heat {
		want = append(want, c.H3)
	}
	slices.Sort(want)
	if len(want) == 0 {
		t.Fatal("G001 has no covered cell in the last week; the demo's patrol day should give some")
	}
	const z = 14
	g001 := gc.Grid.Geometry.Bound()
	got, cache := heatCells(t, ws.srv.URL, leader, z, tilecover.Bound(g001, z))
	if !slices.Equal(got, want) {
		t.Errorf("the leader's heat tiles over G001 hold %d cells, its coverage report %d", len(got), len(want))
	}
	if cache != "private, max-age=60" {
		t.Errorf("Cache-Control %q of a heat tile, want private", cache)
	}
	plan, err := ws.store.Plans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(plan, func(p partition.Plan) bool { return p.Status == partition.PlanPublished })
	full, err := ws.store.Plan(ctx, plan[i].ID)
	if err != nil {
		t.Fatal(err)
	}
	all := g001
	for _, g := range full.Grids {
		all = all.Union(g.Geometry.Bound())
	}
	admin, _ := heatCells(t, ws.srv.URL, ws.admin, z, tilecover.Bound(all, z))
	for _, c := range want {
		if _, ok := slices.BinarySearch(admin, c); !ok {
			t.Fatalf("the admin's heat tiles lack cell %s of G001", c)
		}
	}
	if len(admin) <= len(want) {
		t.Errorf("the admin's heat holds %d cells, no more than G001's %d", len(admin), len(want))
	}
}
