package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"wangge/coverage/incident"
	"wangge/data"
)

// get fetches url with the headers given as name, value pairs.
func get(t *testing.T, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// TestTilesWithGDAL reads tiles of the demo with GDAL's MVT driver: tile
// 12/2132/1493 holds all of Monaco, so each layer has every feature of its
// store layer; buildings start at zoom 14, so there the tile is empty.
func TestTilesWithGDAL(t *testing.T) {
	needGDAL(t)
	f := demoWorkspace(t)
	ctx := context.Background()
	plan, err := data.PublishedPlan(ctx, f.store)
	if err != nil {
		t.Fatal(err)
	}
	incs, err := f.store.Incidents(ctx, data.IncidentQuery{})
	if err != nil {
		t.Fatal(err)
	}
	located := slices.DeleteFunc(incs, func(inc incident.Incident) bool { return slices.Contains(inc.Flags, incident.FlagNoLocation) })
	blocks, err := f.store.Blocks(ctx, data.BlockQuery{})
	if err != nil {
		t.Fatal(err)
	}
	roads, err := f.store.Roads(ctx, data.BBoxQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		tileset string
		want    int
	}{
		{"blocks", len(blocks)}, // the tile holds all Monaco
		{"roads", len(roads)},
		{"grids", len(plan.Grids)},
		{"grids-" + string(plan.ID), len(plan.Grids)},
		{"incidents", len(located)},
	} {
		t.Run(tc.tileset, func(t *testing.T) {
			url := f.srv.URL + "/tiles/" + tc.tileset + "/12/2132/1493.mvt"
			res, body := get(t, url)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
				t.Fatalf("GET %s: %s %s", url, res.Status, res.Header.Get("Content-Type"))
			}
			if res.Header.Get("Cache-Control") == "" || res.Header.Get("ETag") == "" {
				t.Errorf("headers %v: want Cache-Control and ETag", res.Header)
			}
			again, _ := get(t, url, "If-None-Match", res.Header.Get("ETag"))
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match with the ETag: %s, want 304", again.Status)
			}
			path := filepath.Join(t.TempDir(), "tile.mvt")
			if err := os.WriteFile(path, body, 0o644); err != nil {
				t.Fatal(err)
			}
			got := layerCounts(t, path)
			if len(got) != 1 || got[tc.tileset] != tc.want {
				t.Errorf("ogrinfo of the tile: layers %v, want %s with %d features", got, tc.tileset, tc.want)
			}
		})
	}
	t.Run("buildings below their zoom", func(t *testing.T) {
		if res, _ := get(t, f.srv.URL+"/tiles/buildings/12/2132/1493.mvt"); res.StatusCode != http.StatusNoContent {
			t.Errorf("status %s, want 204", res.Status)
		}
		res, body := get(t, f.srv.URL+"/tiles/buildings/15/17059/11947.mvt")
		path := filepath.Join(t.TempDir(), "tile.mvt")
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := layerCounts(t, path); res.StatusCode != http.StatusOK || got["buildings"] == 0 {
			t.Errorf("zoom 15: %s, layers %v; want buildings", res.Status, got)
		}
	})
	t.Run("TileJSON", func(t *testing.T) {
		res, body := get(t, f.srv.URL+"/tiles/blocks.json")
		var doc struct {
			TileJSON     string   `json:"tilejson"`
			Tiles        []string `json:"tiles"`
			VectorLayers []struct {
				ID string `json:"id"`
			} `json:"vector_layers"`
		}
		if err := json.Unmarshal(body, &doc); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %v", res.Status, body, err)
		}
		if doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 || doc.Tiles[0] != f.srv.URL+"/tiles/blocks/{z}/{x}/{y}.mvt" ||
			len(doc.VectorLayers) != 1 || doc.VectorLayers[0].ID != "blocks" {
			t.Errorf("TileJSON %s", body)
		}
	})
}
