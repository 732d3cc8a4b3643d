package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"wangge/data"
	"wangge/server"
)

// A grid leader registers a worker's phone; the phone's Traccar Client
// then posts a fix with nothing but its device id (speed in knots, stored
// in m/s). A phone nobody registered gets 404, as from Traccar.
func Example_ingestOsmAnd() {
	dir, _ := os.MkdirTemp("", "wangge-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	store, err := data.OpenGeoPackage(ctx, filepath.Join(dir, "example.gpkg"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	srv, _ := server.New(server.Options{Store: store, Logger: slog.New(slog.DiscardHandler)})
	leader, _, _ := server.CreateToken(ctx, store, data.RoleLeader, "", "370402001001001")

	send := func(method, target, secret, body string) {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		if secret != "" {
			req.Header.Set("Authorization", "Bearer "+secret)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Body)
		var problem struct{ Detail string }
		if json.Unmarshal(b, &problem) == nil && problem.Detail != "" {
			b = []byte(problem.Detail)
		}
		fmt.Println(rec.Code, strings.TrimSpace(string(b)))
	}
	send(http.MethodPost, "/api/v1/workers", leader,
		`{"id":"w-017","name":"Zhang","role":"full-time","device_id":"8f3c2a91d4e7","grids":["370402001001001"]}`)
	send(http.MethodGet, "/api/v1/ingest/osmand?id=8f3c2a91d4e7&lat=34.8601&lon=117.5503&timestamp=1714521600&speed=2.7&accuracy=9&batt=80", "", "")
	send(http.MethodGet, "/api/v1/ingest/osmand?id=123456&lat=34.8601&lon=117.5503&timestamp=1714521600", "", "")

	pts, _ := store.TrackPoints(ctx, data.TrackQuery{Worker: "w-017"})
	fmt.Printf("%s %s %.4f m/s\n", pts[0].Worker, pts[0].Time.Format("2006-01-02T15:04:05Z"), pts[0].Speed)
	// Output:
	// 200 {"upserted":1}
	// 200 {"received":1,"kept":1,"new":1,"dropped":{}}
	// 404 device "123456" is not registered to any worker; an administrator or grid leader links it with POST /api/v1/workers (device_id)
	// w-017 2024-05-01T00:00:00Z 1.3890 m/s
}
