package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/app"
)

// deviceRequest builds a request as a phone app sends it.
func deviceRequest(method, target, contentType, body string, header map[string]string) *http.Request {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return req
}

// TestIngestDevices sends each protocol end to end into the store and
// checks the stored values, unit conversions included: OsmAnd speed is in
// knots (10 kn = 10·1852/3600 m/s), Traccar's JSON speed in m/s and its
// battery a fraction, OwnTracks vel in km/h (18 km/h = 5 m/s).
func TestIngestDevices(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		f := newIngestFixture(t, st)
		t0 := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC) // 1714521600
		tests := []struct {
			name   string
			req    *http.Request
			worker patrol.WorkerID
			want   patrol.TrackPoint
			body   string // exact answer, when the protocol fixes it
		}{
			{"osmand query, GET", deviceRequest(http.MethodGet, "/api/v1/ingest/osmand?id="+liDevice+
				"&lat=39.9087&lon=116.3975&timestamp=1714521600&speed=10&bearing=270&altitude=44.5&accuracy=12&batt=77&token="+f.liWork, "", "", nil),
				"li", patrol.TrackPoint{Time: t0, Point: [2]float64{116.3975, 39.9087},
					Speed: 10 * 1852.0 / 3600, Bearing: 270, Altitude: 44.5, Accuracy: 12, Battery: 77}, ""},
			{"osmand form, POST, location and milliseconds", deviceRequest(http.MethodPost, "/api/v1/ingest/osmand",
				"application/x-www-form-urlencoded", "deviceid="+liDevice+"&location=39.9090,116.3980&timestamp=1714521630000&speed=2&token="+f.liWork, nil),
				"li", patrol.TrackPoint{Time: t0.Add(30 * time.Second), Point: [2]float64{116.3980, 39.9090},
					Speed: 2 * 1852.0 / 3600}, ""},
			{"osmand JSON, Traccar Client 8", deviceRequest(http.MethodPost, "/api/v1/ingest/osmand?token="+f.liWork, "application/json",
				`{"device_id":"`+liDevice+`","location":{"timestamp":"2024-05-01T08:01:00.000+08:00",
				"coords":{"latitude":39.9093,"longitude":116.3985,"accuracy":6.5,"speed":1.25,"heading":-1,"altitude":40},
				"is_moving":true,"battery":{"level":0.85,"is_charging":false}}}`, nil),
				"li", patrol.TrackPoint{Time: t0.Add(time.Minute), Point: [2]float64{116.3985, 39.9093},
					Accuracy: 6.5, Speed: 1.25, Altitude: 40, Battery: 85}, ""},
			{"owntracks location", deviceRequest(http.MethodPost, "/api/v1/ingest/owntracks", "application/json",
				`{"_type":"location","tid":"pw","lat":39.9101,"lon":116.4002,"tst":1714521600,"acc":10,"vel":18,"cog":45,"alt":50,"batt":64,"conn":"m"}`,
				map[string]string{"X-Limit-U": "wang", "X-Limit-D": "pixel7", "Authorization": basicAuth("wang", f.wangWork)}),
				"wang", patrol.TrackPoint{Time: t0, Point: [2]float64{116.4002, 39.9101},
					Accuracy: 10, Speed: 5, Bearing: 45, Altitude: 50, Battery: 64}, "[]\n"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				rec := serve(f.s, tc.req)
				wantStatus(t, rec, http.StatusOK)
				if tc.body != "" && rec.Body.String() != tc.body {
					t.Errorf("answer %q, want %q", rec.Body.String(), tc.body)
				}
				var got *patrol.TrackPoint
				for _, p := range f.stored(t, tc.worker) {
					if p.Time.Equal(tc.want.Time) {
						got = &p
					}
				}
				if got == nil {
					t.Fatalf("no fix of %s at %v stored", tc.worker, tc.want.Time)
				}
				near(t, "lon", got.Point[0], tc.want.Point[0])
				near(t, "lat", got.Point[1], tc.want.Point[1])
				near(t, "speed m/s", got.Speed, tc.want.Speed)
				near(t, "bearing", got.Bearing, tc.want.Bearing)
				near(t, "altitude", got.Altitude, tc.want.Altitude)
				near(t, "accuracy", got.Accuracy, tc.want.Accuracy)
				near(t, "battery", got.Battery, tc.want.Battery)
			})
		}
		t.Run("one fix checked against the stored one", func(t *testing.T) {
			// li's last stored fix is at 08:01:00 CST near Tiananmen; 10 s
			// later a fix 5 km east would mean 500 m/s.
			before := len(f.stored(t, "li"))
			rec := serve(f.s, deviceRequest(http.MethodGet, "/api/v1/ingest/osmand?id="+liDevice+
				"&lat=39.9093&lon=116.4570&timestamp=1714521670&token="+f.liWork, "", "", nil))
			wantStatus(t, rec, http.StatusOK)
			got := decodeIngest(t, rec.Body.Bytes())
			if got.Received != 1 || got.Kept != 0 || got.New != 0 || got.Dropped["speed"] != 1 {
				t.Fatalf("answer %+v, want the fix dropped for speed", got)
			}
			rec = serve(f.s, deviceRequest(http.MethodGet, "/api/v1/ingest/osmand?id="+liDevice+
				"&lat=39.9094&lon=116.3986&timestamp=1714521680&token="+f.liWork, "", "", nil))
			wantStatus(t, rec, http.StatusOK)
			if got := decodeIngest(t, rec.Body.Bytes()); got.Kept != 1 || got.New != 1 || len(got.Dropped) != 0 {
				t.Fatalf("answer %+v, want the next plausible fix kept", got)
			}
			if n := len(f.stored(t, "li")); n != before+1 {
				t.Fatalf("%d fixes stored, want %d", n, before+1)
			}
		})
		t.Run("re-sent fix is not new", func(t *testing.T) {
			before := len(f.stored(t, "li"))
			rec := serve(f.s, deviceRequest(http.MethodGet, "/api/v1/ingest/osmand?id="+liDevice+
				"&lat=39.9087&lon=116.3975&timestamp=1714521600&speed=10&token="+f.liWork, "", "", nil))
			wantStatus(t, rec, http.StatusOK)
			if got := decodeIngest(t, rec.Body.Bytes()); got.New != 0 || got.Kept != 1 {
				t.Fatalf("answer %+v, want kept 1, new 0", got)
			}
			if n := len(f.stored(t, "li")); n != before {
				t.Fatalf("%d fixes after the re-send, want %d", n, before)
			}
		})
	})
}

func TestIngestDeviceRefusals(t *testing.T) {
	f := newIngestFixture(t, openGPKG(t))
	fix := "&lat=39.9087&lon=116.3975&timestamp=1714521600"
	li := "&token=" + f.liWork
	osmand := func(query string) *http.Request {
		return deviceRequest(http.MethodGet, "/api/v1/ingest/osmand?"+query, "", "", nil)
	}
	owntracks := `{"_type":"location","lat":39.91,"lon":116.4,"tst":1714521600}`
	wangAs := func(secret string) map[string]string {
		return map[string]string{"X-Limit-U": "wang", "X-Limit-D": "pixel7", "Authorization": basicAuth("wang", secret)}
	}
	unknown := "wg_" + strings.Repeat("A", app.SecretLen-3)
	tests := []struct {
		name   string
		req    *http.Request
		status int
		detail string
	}{
		{"osmand without a secret", osmand("id=" + liDevice + fix), http.StatusUnauthorized, "must send its secret"},
		{"owntracks without a secret", deviceRequest(http.MethodPost, "/api/v1/ingest/owntracks", "application/json", owntracks,
			map[string]string{"X-Limit-U": "wang", "X-Limit-D": "pixel7"}), http.StatusUnauthorized, "must send its secret"},
		{"osmand unknown device", osmand("id=123456" + fix + li), http.StatusNotFound, `device "123456" is not registered`},
		{"osmand JSON unknown device", deviceRequest(http.MethodPost, "/api/v1/ingest/osmand?token="+f.liWork, "application/json",
			`{"device_id":"999","location":{"timestamp":1714521600,"coords":{"latitude":39.9,"longitude":116.4}}}`, nil),
			http.StatusNotFound, `device "999"`},
		{"owntracks unknown user", deviceRequest(http.MethodPost, "/api/v1/ingest/owntracks", "application/json", owntracks,
			map[string]string{"X-Limit-U": "zhao", "X-Limit-D": "phone", "Authorization": basicAuth("zhao", f.liWork)}),
			http.StatusNotFound, `device "zhao/phone"`},
		{"owntracks without any device", deviceRequest(http.MethodPost, "/api/v1/ingest/owntracks", "application/json", owntracks,
			map[string]string{"Authorization": basicAuth("wang", f.wangWork)}),
			http.StatusBadRequest, "X-Limit-U"},
		{"osmand latitude out of range", osmand("id=" + liDevice + "&lat=95&lon=116.4&timestamp=1714521600" + li),
			http.StatusBadRequest, "lat"},
		{"osmand JSON second location bad", deviceRequest(http.MethodPost, "/api/v1/ingest/osmand"+"?token="+f.liWork, "application/json",
			`{"device_id":"`+liDevice+`","locations":[{"timestamp":1714521600,"coords":{"latitude":39.9,"longitude":116.4}},
			{"timestamp":1714521610,"coords":{"longitude":116.4}}]}`, nil),
			http.StatusBadRequest, "locations[1].coords.latitude"},
		{"owntracks without tst", deviceRequest(http.MethodPost, "/api/v1/ingest/owntracks", "application/json",
			`{"_type":"location","lat":39.91,"lon":116.4}`, wangAs(f.wangWork)),
			http.StatusBadRequest, "tst"},
		{"another worker's token", osmand("id=" + liDevice + fix + "&token=" + f.wangWork), http.StatusNotFound, `device "` + liDevice + `" is not registered`},
		{"unknown token", osmand("id=" + liDevice + fix + "&token=" + unknown), http.StatusNotFound, `device "` + liDevice + `" is not registered`},
		{"malformed token", osmand("id=" + liDevice + fix + "&token=secret"), http.StatusNotFound, `device "` + liDevice + `" is not registered`},
		{"owntracks Basic auth with another worker's token", deviceRequest(http.MethodPost, "/api/v1/ingest/owntracks",
			"application/json", owntracks, wangAs(f.liWork)), http.StatusNotFound, `device "wang/pixel7" is not registered`},
		{"osmand NUL in the device id", osmand("id=" + liDevice + "%00" + fix + li), http.StatusBadRequest, "NUL"},
		{"osmand invalid UTF-8 in the device id", osmand("id=%FF" + fix + li), http.StatusBadRequest, "UTF-8"},
		{"owntracks NUL in tid", deviceRequest(http.MethodPost, "/api/v1/ingest/owntracks", "application/json",
			`{"_type":"location","tid":"a\u0000","lat":39.91,"lon":116.4,"tst":1714521600}`, wangAs(f.wangWork)), http.StatusBadRequest, "tid: holds a NUL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeProblem(t, serve(f.s, tc.req), tc.status)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q does not name %q", p.Detail, tc.detail)
			}
			for _, w := range []patrol.WorkerID{"li", "wang"} {
				if n := len(f.stored(t, w)); n != 0 {
					t.Fatalf("%d fixes of %s stored after a refused request", n, w)
				}
			}
		})
	}
	t.Run("own token and ignored message", func(t *testing.T) {
		rec := serve(f.s, osmand("id="+liDevice+fix+li))
		wantStatus(t, rec, http.StatusOK)
		rec = serve(f.s, deviceRequest(http.MethodPost, "/api/v1/ingest/owntracks", "application/json",
			`{"_type":"transition","event":"enter","desc":"home","tst":1714521600}`, nil))
		wantStatus(t, rec, http.StatusOK)
		if rec.Body.String() != "[]\n" || len(f.stored(t, "li")) != 1 || len(f.stored(t, "wang")) != 0 {
			t.Fatalf("answer %q; stored li %d, wang %d; want [] and 1, 0", rec.Body.String(), len(f.stored(t, "li")), len(f.stored(t, "wang")))
		}
	})
}

// basicAuth is the Authorization header of HTTP basic auth, as OwnTracks
// sends it.
func basicAuth(user, password string) string {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.SetBasicAuth(user, password)
	return r.Header.Get("Authorization")
}
