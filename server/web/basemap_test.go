package web_test

import (
	"bytes"
	"image"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wangge/server"
	"wangge/server/web"
)

// A configured raster basemap is drawn under the overlays: the page
// fetches its tiles (the Content-Security-Policy lets it) with no error.
func TestRasterBasemap(t *testing.T) {
	if shared == nil {
		t.Skip("no chromium on the PATH (.ci/setup.sh installs it)")
	}
	var tile bytes.Buffer
	if err := png.Encode(&tile, image.NewGray(image.Rect(0, 0, 256, 256))); err != nil {
		t.Fatal(err)
	}
	tiles := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Access-Control-Allow-Origin", "*") // as tile providers send it: MapLibre fetches tiles
		_, _ = w.Write(tile.Bytes())
	}))
	defer tiles.Close()
	srv, err := server.New(server.Options{Store: shared.store, Logger: slog.New(slog.DiscardHandler),
		Basemap: web.Basemap{Tiles: tiles.URL + "/{z}/{x}/{y}.png", CRS: "gcj02", Attribution: "test tiles"}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	p := pageAt(t, hs.URL, shared.viewer, "basemap")
	if !eval[bool](t, p, `!!wanggeMap.getLayer('base-raster') && wanggeMap.getStyle().layers[1].id === 'base-raster'`) {
		t.Error("no raster layer under the overlays")
	}
	fetched := 0
	for _, u := range p.Requests() {
		if strings.HasPrefix(u, tiles.URL) {
			fetched++
		}
	}
	if fetched == 0 {
		t.Error("no basemap tile was requested")
	}
	if n := eval[int](t, p, `wanggeMap.queryRenderedFeatures({layers: ['grids-fill']}).length`); n == 0 {
		t.Error("no grid drawn over the basemap")
	}
	// Tiles in WGS-84 cannot follow a GCJ-02 basemap: the blocks are GeoJSON.
	if typ := eval[string](t, p, `wanggeMap.getSource('base-blocks').type`); typ != "geojson" {
		t.Errorf("blocks under a GCJ-02 basemap from a %s source, want geojson", typ)
	}
	// This service takes no anonymous reports: the page offers none.
	if eval[bool](t, p, `!!document.getElementById('report')`) {
		t.Error("the page offers anonymous reports the service refuses")
	}
}

// Without a raster basemap the background is the service's own vector
// tiles of blocks, buildings and roads, for the public view too.
func TestVectorBasemap(t *testing.T) {
	p := page(t, "", "tiles")
	if typ := eval[string](t, p, `wanggeMap.getSource('base-blocks').type`); typ != "vector" {
		t.Errorf("blocks from a %s source, want vector", typ)
	}
	if n := eval[int](t, p, `wanggeMap.queryRenderedFeatures({layers: ['base-blocks']}).length`); n == 0 {
		t.Error("no block drawn from the tiles")
	}
	// MapLibre's workers fetch the tiles, out of the page's own requests:
	// what was drawn, and from where, says they came.
	if n := eval[int](t, p, `wanggeMap.queryRenderedFeatures({layers: ['base-roads']}).length`); n == 0 {
		t.Error("no road drawn from the tiles")
	}
	if u := eval[string](t, p, `wanggeMap.getSource('base-blocks').tiles[0]`); u != shared.url+"/tiles/blocks/{z}/{x}/{y}.mvt" {
		t.Errorf("blocks from %q, want the service's /tiles/blocks", u)
	}
}

// A basemap the page cannot draw is refused when the server starts.
func TestBadBasemapRefused(t *testing.T) {
	for _, b := range []web.Basemap{
		{Tiles: "ftp://tiles.example/{z}/{x}/{y}.png"},
		{Tiles: "https://tiles.example/{z}/{x}.png"},
		{Tiles: "https://tiles.example/{z}/{x}/{y}.png", CRS: "bd09"},
	} {
		if _, err := server.New(server.Options{Store: shared.store, Basemap: b}); err == nil {
			t.Errorf("%+v accepted", b)
		}
	}
}
