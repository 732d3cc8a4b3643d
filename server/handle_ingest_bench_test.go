package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
	"wangge/internal/app"
)

// BenchmarkIngestHTTP posts batches of fixes to POST /api/v1/tracks over a
// loopback HTTP connection, as a phone gateway or `curl` would, into each
// store: JSON decoding, cleaning, the atomic store write and the answer.
// Every batch is new (later times), so every fix is written. It reports
// fixes per second.
func BenchmarkIngestHTTP(b *testing.B) {
	const batch = 5000
	for _, sc := range testStores {
		b.Run(fmt.Sprintf("%s/batch=%d", sc.name, batch), func(b *testing.B) {
			f := newIngestFixture(b, sc.open(b))
			srv := httptest.NewServer(f.s)
			defer srv.Close()
			t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
			n := 0
			body := func() []byte {
				pts := make([]map[string]any, batch)
				for i := range pts {
					// Up and down a street at 1.4 m/s, one fix a second.
					x := n % 7200
					x = min(x, 7200-x)
					pts[i] = map[string]any{"time": t0.Add(time.Duration(n) * time.Second).Format(time.RFC3339),
						"lon": walkLon + float64(x)*1.4/stepM*dLon, "lat": walkLat, "accuracy": 8, "speed": 1.4}
					n++
				}
				raw, err := json.Marshal(map[string]any{"worker": "li", "points": pts})
				if err != nil {
					b.Fatal(err)
				}
				return raw
			}
			for b.Loop() {
				b.StopTimer()
				raw := body()
				b.StartTimer()
				req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/tracks", bytes.NewReader(raw))
				if err != nil {
					b.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+f.liWork)
				res, err := srv.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var r app.Ingested
				err = json.NewDecoder(res.Body).Decode(&r)
				res.Body.Close()
				if err != nil || res.StatusCode != http.StatusOK || r.New != batch {
					b.Fatalf("status %d, answer %+v, %v; want %d new", res.StatusCode, r, err, batch)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "fixes/s")
		})
	}
}

// BenchmarkIngestOsmAnd sends one fix a request to the OsmAnd route over
// loopback HTTP, as Traccar Client does, into the GeoPackage store: device
// lookup, the anchor read, cleaning and a one-row transaction per fix.
func BenchmarkIngestOsmAnd(b *testing.B) {
	f := newIngestFixture(b, openGPKG(b))
	f.s, _ = testServer(b, f.st, Options{Rates: unlimited})
	srv := httptest.NewServer(f.s)
	defer srv.Close()
	t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).Unix()
	n := int64(0)
	for b.Loop() {
		x := n % 7200
		x = min(x, 7200-x)
		target := fmt.Sprintf("%s/api/v1/ingest/osmand?id=%s&lat=%.7f&lon=%.7f&timestamp=%d&speed=2.7&accuracy=8&token=%s",
			srv.URL, liDevice, walkLat, walkLon+float64(x)*1.4/stepM*dLon, t0+n, f.liWork)
		n++
		res, err := srv.Client().Get(target)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fixes/s")
}
