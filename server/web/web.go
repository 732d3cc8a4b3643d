// Package web is the map page (一图) of wangge: the built bundle of the
// JavaScript sources beside it (src/, built by esbuild from the npm
// lockfile with `npm ci && npm run build`, see build.mjs), embedded in the
// binary so that `wangge serve` and `wangge demo` serve it at / with no
// npm on the machine. The page reads the API with a token the user signs
// in with; it holds no data of its own.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

// AssetPrefix is where the page's files are served; the page itself is
// at /.
const AssetPrefix = "/web/"

// FaviconPath is where browsers look for an icon; Handler answers it with
// no content.
const FaviconPath = "/favicon.ico"

//go:embed index.html dist
var files embed.FS

// Bundle is the built page: index.html and dist/ (app.js, app.css,
// THIRD_PARTY.txt).
func Bundle() fs.FS { return files }

// Handler serves the page at /, its files under AssetPrefix and an empty
// FaviconPath, with a
// Content-Security-Policy that keeps the page to its own origin (MapLibre
// needs blob: workers).
func Handler() http.Handler {
	assets := http.StripPrefix(AssetPrefix, http.FileServerFS(files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; worker-src blob:; child-src blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		if r.URL.Path == FaviconPath { // the page has none; browsers ask anyway
			w.WriteHeader(http.StatusNoContent)
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
