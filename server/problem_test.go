package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"wangge/data"
)

func TestBadQueryParameters(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{})
	viewer := token(t, st, data.RoleViewer)
	cases := []struct{ name, query, param string }{
		{"three numbers", "bbox=1,2,3", "bbox"},
		{"five numbers", "bbox=1,2,3,4,5", "bbox"},
		{"not a number", "bbox=a,2,3,4", "bbox"},
		{"min lon above max", "bbox=10,0,5,1", "bbox"},
		{"min lat above max", "bbox=0,5,1,4", "bbox"},
		{"latitude out of range", "bbox=0,-91,1,0", "bbox"},
		{"longitude out of range", "bbox=-181,0,1,1", "bbox"},
		{"infinite", "bbox=-Inf,0,1,1", "bbox"},
		{"bbox twice", "bbox=0,0,1,1&bbox=0,0,2,2", "bbox"},
		{"limit zero", "limit=0", "limit"},
		{"limit too big", "limit=10001", "limit"},
		{"limit not a number", "limit=ten", "limit"},
		{"unknown parameter", "bboxx=0,0,1,1", "bboxx"},
		{"unknown crs", "crs=epsg:3857", "crs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeProblem(t, request(t, s, http.MethodGet, "/api/v1/blocks?"+tc.query, viewer, nil), http.StatusBadRequest)
			if len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != tc.param || !strings.Contains(p.Detail, tc.param) {
				t.Errorf("problem %+v does not name parameter %s", p, tc.param)
			}
		})
	}
}

func TestBadBodies(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{})
	planner := token(t, st, data.RolePlanner)
	const square = `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`
	feat := func(id, geom, props string) string {
		return `{"type":"Feature","id":` + id + `,"geometry":` + geom + `,"properties":` + props + `}`
	}
	fc := func(features ...string) string {
		return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
	}
	// The decoder is importer.DecodeBlocks, tested in its package; these cases
	// check that its verdicts reach the client as 400s naming the place.
	cases := []struct{ name, query, body, detail string }{
		{"empty", "", "", "request body"},
		{"not JSON", "", "{", "invalid JSON"},
		{"no id", "", fc(feat(`null`, square, `{"households":1}`)), "feature 0"},
		{"negative households", "", fc(feat(`"a"`, square, `{"households":1}`), feat(`"b"`, square, `{"households":-3}`)), `feature 1 (id "b"): properties.households`},
		{"missing weight", "?weight=population", fc(feat(`"a"`, square, `{"households":1}`)), "population"},
		{"open ring", "", fc(feat(`"a"`, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, `{"households":1}`)), "geometry"},
		{"unknown parameter", "?weigth=population", fc(feat(`"a"`, square, `{"households":1}`)), "weigth"},
		{"empty weight", "?weight=", fc(feat(`"a"`, square, `{"households":1}`)), "weight"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := decodeProblem(t, request(t, s, http.MethodPost, "/api/v1/blocks"+tc.query, planner, strings.NewReader(tc.body)), http.StatusBadRequest)
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q does not say %q", p.Detail, tc.detail)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	st := openGPKG(t)
	planner := token(t, st, data.RolePlanner)
	cases := []struct {
		name   string
		limit  int64
		size   int
		sized  bool // whether the request says its Content-Length
		status int
	}{
		{"declared length over the limit", 1000, 1001, true, http.StatusRequestEntityTooLarge},
		{"streamed body over the limit", 1000, 5000, false, http.StatusRequestEntityTooLarge},
		{"over the 10 MB default", 0, DefaultBodyLimit + 1, false, http.StatusRequestEntityTooLarge},
		{"under the limit", 1000, 900, true, http.StatusBadRequest}, // read in full: a JSON error
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := testServer(t, st, Options{BodyLimit: tc.limit})
			// Leading spaces keep the JSON decoder reading to the end.
			body := strings.Repeat(" ", tc.size-1) + "x"
			var r io.Reader = strings.NewReader(body)
			if !tc.sized {
				r = io.MultiReader(r) // hides the length
			}
			req := httptest.NewRequest(http.MethodPost, "/api/v1/blocks", r)
			req.Header.Set("Authorization", "Bearer "+planner)
			p := decodeProblem(t, serve(s, req), tc.status)
			if tc.status == http.StatusRequestEntityTooLarge && !strings.Contains(p.Detail, "limit") {
				t.Errorf("detail %q does not mention the limit", p.Detail)
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	st := openGPKG(t)
	s, logs := testServer(t, st, Options{})
	cases := []struct{ name, sent, want string }{
		{"kept", "abc-123_x.y:z", "abc-123_x.y:z"},
		{"generated", "", ""},
		{"unsafe replaced", "evil\nline", ""},
		{"too long replaced", strings.Repeat("a", maxRequestIDLen+1), ""},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
			if tc.sent != "" {
				req.Header.Set("X-Request-Id", tc.sent)
			}
			rec := serve(s, req)
			wantStatus(t, rec, http.StatusOK)
			got := rec.Header().Get("X-Request-Id")
			if tc.want != "" && got != tc.want || tc.want == "" && (len(got) != 32 || got == tc.sent || seen[got]) {
				t.Errorf("X-Request-Id %q for %q", got, tc.sent)
			}
			seen[got] = true
			if !containsAll(logs.String(), `"request_id":"`+got+`"`, `"path":"/healthz"`, `"status":200`, `"duration":`, `"method":"GET"`) {
				t.Errorf("log lacks the request line of %s:\n%s", got, logs.String())
			}
		})
	}
}

// TestProblemFor covers the mapping for errors the routes cannot easily be
// made to return, such as a store refusing an item.
func TestProblemFor(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/api/v1/blocks", nil)
	refused := &data.ItemError{Kind: "block", Index: 3, ID: "b9", Err: fmt.Errorf("%w: empty geometry", data.ErrInvalid)}
	cases := []struct {
		name   string
		err    error
		status int
		detail string
	}{
		{"store refuses an item", fmt.Errorf("server: store 4 blocks: %w", refused), http.StatusBadRequest, `block 3 (id "b9")`},
		{"missing item", fmt.Errorf("x: %w", data.ErrNotFound), http.StatusNotFound, "/api/v1/blocks"},
		{"store down", fmt.Errorf("%w: ping: refused", ErrUnavailable), http.StatusServiceUnavailable, "does not answer"},
		{"body too large", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 5}), http.StatusRequestEntityTooLarge, "5 bytes"},
		{"role", &RoleError{Role: data.RoleViewer, Allowed: []data.Role{data.RoleAdmin, data.RolePlanner}, Route: "POST /x"},
			http.StatusForbidden, "admin, planner"},
		{"echo 5xx hides its message", echo.NewHTTPError(http.StatusBadGateway, "upstream 10.0.0.7 down"), http.StatusBadGateway, "request id"},
		{"echo code out of range", echo.NewHTTPError(299, "odd"), http.StatusInternalServerError, "request id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := problemFor(tc.err, req)
			if p.Status != tc.status || !strings.Contains(p.Detail, tc.detail) || strings.Contains(p.Detail, "10.0.0.7") {
				t.Errorf("problemFor(%v) = %d %q, want %d and %q", tc.err, p.Status, p.Detail, tc.status, tc.detail)
			}
		})
	}
}

func TestErrorMapping(t *testing.T) {
	st := openGPKG(t)
	s, logs := testServer(t, st, Options{})
	secret := "internal detail: password=hunter2"
	s.echo.GET("/test/panic", func(echo.Context) error { panic(secret) })
	s.echo.GET("/test/fail", func(echo.Context) error { return errors.New(secret) })
	s.echo.GET("/test/http", func(echo.Context) error {
		return echo.NewHTTPError(http.StatusConflict, "the plan is locked; unlock it first")
	})
	cases := []struct {
		name, method, path string
		status             int
		detail             string
	}{
		{"panic", http.MethodGet, "/test/panic", http.StatusInternalServerError, "request id"},
		{"plain error", http.MethodGet, "/test/fail", http.StatusInternalServerError, "request id"},
		{"echo HTTPError", http.MethodGet, "/test/http", http.StatusConflict, "unlock it first"},
		{"unknown route", http.MethodGet, "/nowhere", http.StatusNotFound, "/api/v1, OGC API – Features under /ogc, vector tiles under /tiles, Open311 under /open311/v2, and /api/openapi.json"},
		{"wrong method", http.MethodDelete, "/healthz", http.StatusMethodNotAllowed, "Allow"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := request(t, s, tc.method, tc.path, "", nil)
			p := decodeProblem(t, rec, tc.status)
			if p.Type != "about:blank" || p.Instance != tc.path || !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("problem %+v", p)
			}
			if tc.status == http.StatusMethodNotAllowed && !strings.Contains(rec.Header().Get("Allow"), http.MethodGet) {
				t.Errorf("Allow %q does not list GET", rec.Header().Get("Allow"))
			}
			if strings.Contains(p.Detail, "hunter2") {
				t.Errorf("internal error leaked: %q", p.Detail)
			}
		})
	}
	if !strings.Contains(logs.String(), "hunter2") || !strings.Contains(logs.String(), "panic in handler") {
		t.Errorf("the cause of the 500s is not in the log:\n%s", logs.String())
	}
}
