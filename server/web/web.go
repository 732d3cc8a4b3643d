// Package web is the map page (一图) of wangge: the built bundle of the
// JavaScript sources beside it (src/, built by esbuild from the npm
// lockfile with `npm ci && npm run build`, see build.mjs), embedded in the
// binary so that `wangge serve` and `wangge demo` serve it at / with no
// npm on the machine. The page reads the API with a token the user signs
// in with; it holds no data of its own.
package web

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
)

// AssetPrefix is where the page's files are served; the page itself is
// at /.
const AssetPrefix = "/web/"

// ConfigPath is where the page reads how the service configured it.
const ConfigPath = AssetPrefix + "config.json"

// ErrBasemap means a Basemap the page cannot draw.
var ErrBasemap = errors.New("web: bad basemap")

// Basemap is a raster basemap the page draws under its overlays (the
// service's own layers are drawn when there is none). For a Chinese
// provider whose tiles are in GCJ-02 (AMap/Gaode, Tencent) the page
// shifts every overlay to GCJ-02 so that it lands where the basemap draws
// the same place.
type Basemap struct {
	// Tiles is an http(s) URL template with {z}, {x} and {y}.
	Tiles string `json:"tiles"`
	// CRS is the coordinate system of the tiles: "wgs84" (or empty) or
	// "gcj02".
	CRS string `json:"crs"`
	// Attribution is shown on the map.
	Attribution string `json:"attribution"`
}

// Validate checks the URL template and the CRS.
func (b Basemap) Validate() error {
	if b.Tiles == "" {
		return nil
	}
	u, err := b.url()
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: tiles %q is not an http(s) URL", ErrBasemap, b.Tiles)
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(b.Tiles, p) {
			return fmt.Errorf("%w: tiles %q lacks %s", ErrBasemap, b.Tiles, p)
		}
	}
	if b.CRS != "" && b.CRS != "wgs84" && b.CRS != "gcj02" {
		return fmt.Errorf("%w: crs %q is neither wgs84 nor gcj02", ErrBasemap, b.CRS)
	}
	return nil
}

// url is the URL of tile 0/0/0.
func (b Basemap) url() (*url.URL, error) {
	return url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0").Replace(b.Tiles))
}

// origin is " scheme://host" of the tiles, for the page's
// Content-Security-Policy; "" without tiles.
func (b Basemap) origin() string {
	u, err := b.url()
	if b.Tiles == "" || err != nil {
		return ""
	}
	return " " + u.Scheme + "://" + u.Host
}

// FaviconPath is where browsers look for an icon; Handler answers it with
// no content.
const FaviconPath = "/favicon.ico"

//go:embed index.html dist
var files embed.FS

// Bundle is the built page: index.html and dist/ (app.js, app.css,
// THIRD_PARTY.txt).
func Bundle() fs.FS { return files }

// Handler serves the page at /, its files under AssetPrefix, its
// configuration (the basemap, validated by the caller, and whether
// anonymous reports are taken) at ConfigPath and
// an empty FaviconPath, with a Content-Security-Policy that keeps the
// page to its own origin and the basemap's (MapLibre needs blob: workers).
func Handler(basemap Basemap, anonymousReports bool) http.Handler {
	assets := http.StripPrefix(AssetPrefix, http.FileServerFS(files))
	conf := struct {
		Basemap *Basemap `json:"basemap"`
		// AnonymousReports: the service takes Open311 reports without an
		// api_key ([open311] anonymous), so the public view offers them.
		AnonymousReports bool `json:"anonymous_reports"`
	}{AnonymousReports: anonymousReports}
	if basemap.Tiles != "" {
		conf.Basemap = &basemap
	}
	config, _ := json.Marshal(conf) // strings only: cannot fail
	tiles := basemap.origin()
	csp := "default-src 'self'; img-src 'self' data: blob:" + tiles + "; worker-src blob:; child-src blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'" + tiles
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		if r.URL.Path == FaviconPath { // the page has none; browsers ask anyway
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if r.URL.Path == ConfigPath {
			h.Set("Content-Type", "application/json")
			h.Set("Cache-Control", "no-cache")
			_, _ = w.Write(config)
			return
		}
		if r.URL.Path == "/" {
			h.Set("Cache-Control", "no-cache")
			http.ServeFileFS(w, r, files, "index.html")
			return
		}
		if !strings.HasPrefix(r.URL.Path, AssetPrefix+"dist/") {
			http.NotFound(w, r)
			return
		}
		h.Set("Cache-Control", "no-cache")
		assets.ServeHTTP(w, r)
	})
}
