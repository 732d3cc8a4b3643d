package server

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"wangge/data"
)

// sampleLine is one sample of the text format: name{labels} value.
var sampleLine = regexp.MustCompile(`^([a-z_]+)(\{[^}]*\})? (\S+)$`)

// scrape reads /metrics into a map from "name{labels}" to value, checking
// every line is a comment or a well-formed sample. It calls the handler
// itself, as the metrics address does, so that a closed store can be
// scraped (who may scrape: TestMetricsNeedAdminOrOwnAddress).
func scrape(t *testing.T, s *Server) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := s.metrics(s.echo.NewContext(httptest.NewRequest(http.MethodGet, "/metrics", nil), rec)); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, rec, http.StatusOK)
	if ct := rec.Header().Get("Content-Type"); ct != MetricsContentType {
		t.Fatalf("Content-Type %q, want %q", ct, MetricsContentType)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE ") {
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("malformed line %q", line)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out[m[1]+m[2]] = v
	}
	return out
}

func TestMetrics(t *testing.T) {
	st := openGPKG(t)
	s, _ := testServer(t, st, Options{})
	admin := token(t, st, data.RoleAdmin)
	body := `{"id":"li","name":"Li","role":"full-time","grids":["g1"]}`
	wantStatus(t, request(t, s, http.MethodPost, "/api/v1/workers", admin, strings.NewReader(body)), http.StatusOK)
	for range 3 {
		wantStatus(t, request(t, s, http.MethodGet, "/api/v1/workers/li", admin, nil), http.StatusOK)
	}
	wantStatus(t, request(t, s, http.MethodGet, "/api/v1/workers/zhao", admin, nil), http.StatusNotFound)
	wantStatus(t, request(t, s, http.MethodGet, "/api/v1/workers/li", "", nil), http.StatusUnauthorized)
	wantStatus(t, request(t, s, http.MethodGet, "/no/such/page/12345", "", nil), http.StatusNotFound)
	s.echo.GET("/boom", func(echo.Context) error { panic("boom") })
	wantStatus(t, request(t, s, http.MethodGet, "/boom", "", nil), http.StatusInternalServerError)

	got := scrape(t, s)
	route := `method="GET",route="/api/v1/workers/:id"`
	tests := []struct {
		name   string
		series string
		want   float64
	}{
		{"ok reads", `wangge_http_requests_total{` + route + `,status="200"}`, 3},
		{"not found", `wangge_http_requests_total{` + route + `,status="404"}`, 1},
		{"unauthenticated", `wangge_http_requests_total{` + route + `,status="401"}`, 1},
		{"write", `wangge_http_requests_total{method="POST",route="/api/v1/workers",status="200"}`, 1},
		{"histogram count", `wangge_http_request_duration_seconds_count{` + route + `}`, 5},
		{"histogram +Inf", `wangge_http_request_duration_seconds_bucket{` + route + `,le="+Inf"}`, 5},
		{"store up", "wangge_store_up", 1},
		{"panic", `wangge_http_requests_total{method="GET",route="/boom",status="500"}`, 1},
		{"unknown path", `wangge_http_requests_total{method="GET",route="unmatched",status="404"}`, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if v, ok := got[tc.series]; !ok || v != tc.want {
				t.Errorf("%s = %v (present %v), want %v", tc.series, v, ok, tc.want)
			}
		})
	}
	t.Run("buckets are cumulative", func(t *testing.T) {
		prev := 0.0
		for _, le := range durationBuckets {
			v := got[`wangge_http_request_duration_seconds_bucket{`+route+`,le="`+formatFloat(le)+`"}`]
			if v < prev {
				t.Fatalf("bucket le=%v holds %v, fewer than the bucket before (%v)", le, v, prev)
			}
			prev = v
		}
	})
	t.Run("raw paths are not labels", func(t *testing.T) {
		for k := range got {
			if strings.Contains(k, "12345") || strings.Contains(k, "zhao") {
				t.Errorf("series %s carries a raw path", k)
			}
		}
	})
	t.Run("store down", func(t *testing.T) {
		st.Close()
		if v := scrape(t, s)["wangge_store_up"]; v != 0 {
			t.Fatalf("wangge_store_up = %v with the store closed, want 0", v)
		}
	})
}

func TestQuoteLabel(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "/api/v1/workers", `"/api/v1/workers"`},
		{"quote", `a"b`, `"a\"b"`},
		{"backslash", `a\b`, `"a\\b"`},
		{"newline", "a\nb", `"a\nb"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := quoteLabel(tc.in); got != tc.want {
				t.Errorf("quoteLabel(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}
