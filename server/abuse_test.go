package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"wangge/data"
)

// TestDeviceAnswersAreIdentical checks that a request for an unknown
// device and one for a registered device with a wrong secret get the same
// status, headers and body (but the request id), so answers do not tell
// which devices exist.
func TestDeviceAnswersAreIdentical(t *testing.T) {
	f := newIngestFixture(t, openGPKG(t))
	fix := "&lat=39.9087&lon=116.3975&timestamp=1714521600&token="
	answer := func(device, secret string) (int, http.Header, string) {
		rec := serve(f.s, deviceRequest(http.MethodGet, "/api/v1/ingest/osmand?id="+url.QueryEscape(device)+fix+secret, "", "", nil))
		h := rec.Header().Clone()
		rid := h.Get("X-Request-Id")
		h.Del("X-Request-Id")
		return rec.Code, h, strings.ReplaceAll(rec.Body.String(), rid, "")
	}
	// The same device id in both, so that the detail naming it is the same:
	// registered to li with wang's secret, then unregistered.
	s1, h1, b1 := answer(liDevice, f.wangWork)
	wantStatus(t, request(t, f.s, http.MethodPost, "/api/v1/workers", f.admin, strings.NewReader(
		`[{"id":"li","name":"Li","role":"full-time","device_id":"other","grids":["g1"]}]`)), http.StatusOK)
	s2, h2, b2 := answer(liDevice, f.liWork)
	if s1 != http.StatusNotFound || s1 != s2 || b1 != b2 || !equalHeaders(h1, h2) {
		t.Fatalf("wrong secret: %d %v %s\nunknown device: %d %v %s", s1, h1, b1, s2, h2, b2)
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if strings.Join(a[k], ",") != strings.Join(b[k], ",") {
			return false
		}
	}
	return true
}

// TestRateLimits checks each bucket: a device over its rate, an address
// over its rate, anonymous Open311 reports over theirs, each 429 with a
// Retry-After of whole seconds, and nothing stored for the refused.
func TestRateLimits(t *testing.T) {
	st := openGPKG(t)
	f := newIngestFixture(t, st)
	fixAt := func(i int, device, secret string) *http.Request {
		q := "id=" + device + "&lat=39.9087&lon=116.3975&timestamp=" + strconv.Itoa(1714521600+i) + "&token=" + secret
		return deviceRequest(http.MethodGet, "/api/v1/ingest/osmand?"+q, "", "", nil)
	}
	t.Run("device", func(t *testing.T) {
		f.s, _ = testServer(t, st, Options{Rates: Rates{DevicePerSecond: 0.01, DeviceBurst: 3}})
		for i := range 3 {
			wantStatus(t, serve(f.s, fixAt(i, liDevice, f.liWork)), http.StatusOK)
		}
		rec := serve(f.s, fixAt(3, liDevice, f.liWork))
		wantRetry(t, rec, 100)
		// Another device has a bucket of its own.
		wantStatus(t, serve(f.s, fixAt(4, "wang%2Fpixel7", f.wangWork)), http.StatusOK)
		if n := len(f.stored(t, "li")); n != 3 {
			t.Fatalf("%d fixes of li stored, want 3", n)
		}
	})
	t.Run("address guessing devices", func(t *testing.T) {
		s, _ := testServer(t, st, Options{Rates: Rates{IPPerSecond: 0.5, IPBurst: 5}})
		for i := range 5 {
			wantStatus(t, serve(s, fixAt(i, "guess"+strconv.Itoa(i), f.liWork)), http.StatusNotFound)
		}
		wantRetry(t, serve(s, fixAt(5, liDevice, f.liWork)), 2)
		other := fixAt(6, liDevice, f.liWork)
		other.RemoteAddr = "192.0.2.7:4242"
		wantStatus(t, serve(s, other), http.StatusOK)
	})
	t.Run("anonymous Open311", func(t *testing.T) {
		w := newIncidentWorld(t, openGPKG(t))
		s, _ := testServer(t, w.st, Options{AnonymousOpen311: true, Rates: Rates{AnonymousPerHour: 1, AnonymousBurst: 2}})
		p := w.inside(t, 0)
		form := "service_code=environment&lat=" + fmtFloat(p[1]) + "&long=" + fmtFloat(p[0])
		for range 2 {
			wantStatus(t, postForm(s, "/open311/v2/requests.json", form), http.StatusOK)
		}
		wantRetry(t, postForm(s, "/open311/v2/requests.json", form), 3600)
		// A report with a worker's or admin's api_key is not anonymous.
		wantStatus(t, postForm(s, "/open311/v2/requests.json", form+"&api_key="+w.admin), http.StatusOK)
	})
}

func wantRetry(t *testing.T, rec interface {
	Result() *http.Response
}, atLeast int) {
	t.Helper()
	res := rec.Result()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429", res.StatusCode)
	}
	n, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || n < atLeast*9/10 || n > atLeast*11/10+1 {
		t.Fatalf("Retry-After %q, want about %d s", res.Header.Get("Retry-After"), atLeast)
	}
}

// postForm posts form fields without a token.
func postForm(h http.Handler, target, form string) *httptest.ResponseRecorder {
	return serve(h, deviceRequest(http.MethodPost, target, "application/x-www-form-urlencoded", form, nil))
}

// TestOpen311Anonymous checks who may file an Open311 report: nobody
// without an api_key unless the configuration allows it, then only inside
// the grids served; a viewer's api_key is refused rather than taken as
// the public.
func TestOpen311Anonymous(t *testing.T) {
	w := newIncidentWorld(t, openGPKG(t))
	closed, _ := testServer(t, w.st, Options{})
	p := w.inside(t, 0)
	form := "service_code=environment&lat=" + fmtFloat(p[1]) + "&long=" + fmtFloat(p[0])
	tests := []struct {
		name   string
		s      http.Handler
		form   string
		status int
		says   string
	}{
		{"anonymous, not allowed", closed, form, http.StatusForbidden, "only with an api_key"},
		{"anonymous, outside every grid", w.s, "service_code=environment&lat=10&long=10", http.StatusBadRequest, "outside every grid"},
		{"anonymous, no location", w.s, "service_code=environment&address_string=gate", http.StatusBadRequest, "needs lat and long"},
		{"viewer's api_key", w.s, form + "&api_key=" + w.viewer, http.StatusForbidden, "viewer token"},
		{"planner's api_key, anonymous not allowed", closed, form + "&api_key=" + w.planner, http.StatusForbidden, "planner token"},
		{"admin's api_key, anonymous not allowed", closed, form + "&api_key=" + w.admin, http.StatusOK, ""},
		{"anonymous, allowed, inside", w.s, form, http.StatusOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := postForm(tc.s, "/open311/v2/requests.json", tc.form)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.says) {
				t.Fatalf("status %d %s, want %d saying %q", rec.Code, rec.Body, tc.status, tc.says)
			}
		})
	}
}

// TestTextAbuse sends NUL bytes and invalid UTF-8 in path parameters,
// query parameters, form fields and JSON members of the routes that
// answered 500 on PostGIS, with and without tokens: each is a 400 naming
// where, on both stores.
func TestTextAbuse(t *testing.T) {
	forEachStore(t, func(t *testing.T, st data.Store) {
		f := newIngestFixture(t, st)
		viewer := token(t, st, data.RoleViewer)
		tests := []struct {
			name, method, target, secret, contentType, body, where string
		}{
			{"incident id NUL", "GET", "/api/v1/incidents/a%00b", viewer, "", "", "id"},
			{"incident id invalid UTF-8", "GET", "/api/v1/incidents/%FF", viewer, "", "", "id"},
			{"block id NUL", "GET", "/api/v1/blocks/%00", viewer, "", "", "id"},
			{"plan id invalid UTF-8", "GET", "/api/v1/plans/%C3%28", viewer, "", "", "id"},
			{"plan grids NUL", "GET", "/api/v1/plans/p%00/grids", viewer, "", "", "id"},
			{"worker id NUL", "GET", "/api/v1/workers/%00", f.admin, "", "", "id"},
			{"trajectory worker invalid", "GET", "/api/v1/workers/%FF/trajectory?date=2024-05-01", f.admin, "", "", "id"},
			{"coverage grid NUL", "GET", "/api/v1/grids/%00/coverage", f.admin, "", "", "id"},
			{"incidents filter NUL", "GET", "/api/v1/incidents?status=%00", viewer, "", "", "status"},
			{"incidents grid invalid", "GET", "/api/v1/incidents?grid=%FF", viewer, "", "", "grid"},
			{"open311 request id NUL", "GET", "/open311/v2/requests/%00.json", "", "", "", "file"},
			{"open311 filter invalid", "GET", "/open311/v2/requests.json?service_request_id=%FF", "", "", "", "service_request_id"},
			{"open311 post description NUL", "POST", "/open311/v2/requests.json", "", "application/x-www-form-urlencoded",
				"service_code=environment&lat=1&long=1&description=a%00b", "description"},
			{"open311 post api_key invalid", "POST", "/open311/v2/requests.json", "", "application/x-www-form-urlencoded",
				"service_code=environment&lat=1&long=1&api_key=%FF", "api_key"},
			{"workers JSON NUL", "POST", "/api/v1/workers", f.admin, "application/json",
				`[{"id":"z\u0000","name":"Z","role":"volunteer"}]`, "[0].id"},
			{"workers JSON invalid UTF-8", "POST", "/api/v1/workers", f.admin, "application/json",
				"[{\"id\":\"z\",\"name\":\"\xff\",\"role\":\"volunteer\"}]", "[0].name"},
			{"incident JSON NUL in a key", "POST", "/api/v1/incidents", f.admin, "application/json",
				`{"category":"other","desc\u0000":"x"}`, "member name"},
			{"tracks CSV NUL", "POST", "/api/v1/tracks", f.admin, "text/csv", "worker,time,lat,lon\nli\x00,2024-05-01T00:00:00Z,1,1\n", "byte 22"},
			{"osmand form NUL", "POST", "/api/v1/ingest/osmand", "", "application/x-www-form-urlencoded",
				"id=" + liDevice + "%00&lat=1&lon=1&timestamp=1714521600&token=" + f.liWork, "id"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				req := deviceRequest(tc.method, tc.target, tc.contentType, tc.body, nil)
				if tc.secret != "" {
					req.Header.Set("Authorization", "Bearer "+tc.secret)
				}
				rec := serve(f.s, req)
				if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tc.where) {
					t.Fatalf("status %d %s, want 400 naming %q", rec.Code, rec.Body, tc.where)
				}
				var body any
				if json.Unmarshal(rec.Body.Bytes(), &body) != nil {
					t.Fatalf("answer is not JSON: %q", rec.Body)
				}
			})
		}
	})
}

// TestWriteLimits checks the limits the use cases keep on what is
// written: a long description, a media URL that is not http(s), fixes with
// negative accuracy or speed or a battery over 100%, a long worker name
// and a long transition note are each a 400 naming the field, and nothing
// is stored.
func TestWriteLimits(t *testing.T) {
	w := newIncidentWorld(t, openGPKG(t))
	p := w.inside(t, 0)
	loc := `"location":[` + fmtFloat(p[0]) + `,` + fmtFloat(p[1]) + `]`
	fix := func(extra string) string {
		return `{"worker":"li","points":[{"time":"2024-05-01T08:00:00+08:00","lon":116.39,"lat":39.9` + extra + `}]}`
	}
	wantStatus(t, request(t, w.s, http.MethodPost, "/api/v1/workers", w.admin, strings.NewReader(
		`[{"id":"li","name":"Li","role":"full-time","grids":["`+string(w.grids[0].ID)+`"]}]`)), http.StatusOK)
	tests := []struct {
		name, target, body, field string
	}{
		{"description of 9,000,000 characters", "/api/v1/incidents", `{"category":"other",` + loc + `,"description":"` + strings.Repeat("x", 9_000_000) + `"}`, "description"},
		{"description of 4,001 characters", "/api/v1/incidents", `{"category":"other",` + loc + `,"description":"` + strings.Repeat("字", 4001) + `"}`, "description"},
		{"javascript: media URL", "/api/v1/incidents", `{"category":"other",` + loc + `,"media_url":"javascript:alert(1)"}`, "media_url"},
		{"data: media URL", "/api/v1/incidents", `{"category":"other",` + loc + `,"media_url":"data:text/html,x"}`, "media_url"},
		{"negative accuracy", "/api/v1/tracks", fix(`,"accuracy":-5`), "[0].accuracy"},
		{"negative speed", "/api/v1/tracks", fix(`,"speed":-1.5`), "[0].speed"},
		{"battery over 100", "/api/v1/tracks", fix(`,"battery":150`), "[0].battery"},
		{"negative battery", "/api/v1/tracks", fix(`,"battery":-1`), "[0].battery"},
		{"long worker name", "/api/v1/workers", `[{"id":"zz","name":"` + strings.Repeat("n", 501) + `","role":"volunteer"}]`, "[0].name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := request(t, w.s, http.MethodPost, tc.target, w.admin, strings.NewReader(tc.body))
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tc.field) {
				t.Fatalf("status %d %.300s, want 400 naming %q", rec.Code, rec.Body, tc.field)
			}
		})
	}
	incs, err := w.st.Incidents(t.Context(), data.IncidentQuery{})
	if err != nil || len(incs) != 0 {
		t.Fatalf("%d incidents stored (%v), want none", len(incs), err)
	}
	pts, err := w.st.TrackPoints(t.Context(), data.TrackQuery{Worker: "li"})
	if err != nil || len(pts) != 0 {
		t.Fatalf("%d fixes stored (%v), want none", len(pts), err)
	}
}
