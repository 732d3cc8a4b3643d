package server_test

import (
	"context"
	"encoding/json"
	"fmt"
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

// A grid leader registers a worker's phone and an administrator makes
// its secret, a worker token; the phone's Traccar Client then sends a fix
// over HTTP with its device id and the secret in the URL (speed in knots,
// stored in m/s). A phone nobody registered gets 404, as from Traccar, and
// so does a registered one with a wrong secret.
func Example_ingestOsmAnd() {
	ctx := context.Background()
	tmp, _ := os.MkdirTemp("", "wangge-ingest")
	defer os.RemoveAll(tmp)
	st, err := gpkg.Open(ctx, filepath.Join(tmp, "ingest.gpkg"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	api, _ := server.New(server.Options{Store: st, Logger: slog.New(slog.DiscardHandler)})
	web := httptest.NewServer(api)
	defer web.Close()
	secret, _, _ := app.CreateToken(ctx, st, data.RoleLeader, "", "370402001001001")

	show := func(res *http.Response, err error) {
		if err != nil {
			fmt.Println(err)
			return
		}
		defer res.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		if d, ok := body["detail"]; ok { // a problem document
			fmt.Println(res.StatusCode, d)
			return
		}
		fmt.Println(res.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodPost, web.URL+"/api/v1/workers", strings.NewReader(
		`{"id":"w-017","name":"Zhang","role":"full-time","device_id":"8f3c2a91d4e7","grids":["370402001001001"]}`))
	req.Header.Set("Authorization", "Bearer "+secret)
	show(web.Client().Do(req))
	phone, _, _ := app.CreateToken(ctx, st, data.RoleWorker, "w-017", "")
	show(web.Client().Get(web.URL + "/api/v1/ingest/osmand?id=8f3c2a91d4e7&lat=34.8601&lon=117.5503&timestamp=1714521600&speed=2.7&accuracy=9&batt=80&token=" + phone))
	show(web.Client().Get(web.URL + "/api/v1/ingest/osmand?id=123456&lat=34.8601&lon=117.5503&timestamp=1714521600&token=" + phone))
	show(web.Client().Get(web.URL + "/api/v1/ingest/osmand?id=8f3c2a91d4e7&lat=34.8601&lon=117.5503&timestamp=1714521600&token=" + secret))

	fixes, _ := st.TrackPoints(ctx, data.TrackQuery{Worker: "w-017"})
	for _, f := range fixes {
		fmt.Printf("%s %s %.4f m/s, battery %v%%\n", f.Worker, f.Time.Format("2006-01-02T15:04:05Z"), f.Speed, f.Battery)
	}
	// Output:
	// 200 map[upserted:1]
	// 200 map[dropped:map[] kept:1 new:1 received:1]
	// 404 device "123456" is not registered to any worker, or the secret sent is not its secret; an administrator or grid leader links a device with POST /api/v1/workers (device_id) and makes its secret with `wangge token create --role worker --worker ID`
	// 404 device "8f3c2a91d4e7" is not registered to any worker, or the secret sent is not its secret; an administrator or grid leader links a device with POST /api/v1/workers (device_id) and makes its secret with `wangge token create --role worker --worker ID`
	// w-017 2024-05-01T00:00:00Z 1.3890 m/s, battery 80%
}
