package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"wangge/data"
	"wangge/data/gpkg"
	"wangge/internal/app"
	"wangge/server"
)

// A planner's token writes a block; any token reads it back as GeoJSON,
// with exterior rings counter-clockwise whatever way they were sent.
func Example() {
	dir, _ := os.MkdirTemp("", "wangge-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	store, err := gpkg.Open(ctx, filepath.Join(dir, "example.gpkg"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	srv, _ := server.New(server.Options{Store: store, Logger: slog.New(slog.DiscardHandler)})
	planner, _, _ := app.CreateToken(ctx, store, data.RolePlanner, "", "")

	send := func(method, target, body string) {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+planner)
		req.Header.Set("X-Request-Id", "example-1") // else a random one
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Body)
		fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
		fmt.Print(string(b))
	}
	send(http.MethodPost, "/api/v1/blocks", `{"type":"FeatureCollection","features":[{"type":"Feature","id":"b1",
	  "properties":{"kind":"residential","households":120},
	  "geometry":{"type":"Polygon","coordinates":[[[117.55,34.86],[117.55,34.861],[117.551,34.861],[117.55,34.86]]]}}]}`)
	send(http.MethodGet, "/api/v1/blocks/b1", "")
	send(http.MethodGet, "/api/v1/blocks/b2", "")
	// Output:
	// 200 application/json
	// {"upserted":1}
	// 200 application/geo+json
	// {"type":"Feature","id":"b1","geometry":{"type":"Polygon","coordinates":[[[117.55,34.86],[117.551,34.861],[117.55,34.861],[117.55,34.86]]]},"properties":{"households":120,"kind":"residential","name":"","parent":"","population":0}}
	// 404 application/problem+json
	// {"type":"about:blank","title":"Not Found","status":404,"detail":"there is nothing at /api/v1/blocks/b2; check the id, or list the collection to see which ids exist","instance":"/api/v1/blocks/b2","request_id":"example-1"}
}
